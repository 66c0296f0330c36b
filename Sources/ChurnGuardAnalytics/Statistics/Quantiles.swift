/// Quantiles by linear interpolation between order statistics — numpy's default
/// (`method="linear"`, Hyndman–Fan type 7): for sorted x₀…xₙ₋₁ and p ∈ [0, 1], with h = (n − 1)·p,
/// Q(p) = x⌊h⌋ + (h − ⌊h⌋)·(x⌊h⌋+1 − x⌊h⌋). p is clamped to [0, 1]; an empty input has no quantile.
public enum Quantile {
    /// Q(p) of an already sorted, finite array; `nil` when empty.
    public static func sorted(_ sorted: [Double], _ p: Double) -> Double? {
        guard !sorted.isEmpty else { return nil }
        let q = p.isNaN ? 0.5 : min(1, max(0, p))
        let h = Double(sorted.count - 1) * q
        let lo = Int(h.rounded(.down))
        let hi = min(lo + 1, sorted.count - 1)
        let frac = h - Double(lo)
        return sorted[lo] + frac * (sorted[hi] - sorted[lo])
    }

    /// Q(p) of any array; non-finite values are dropped first. `nil` when nothing is left.
    public static func of(_ values: [Double], _ p: Double) -> Double? {
        sorted(values.filter(\.isFinite).sorted(), p)
    }

    /// The median (Q(0.5)); `nil` when there are no finite values.
    public static func median(_ values: [Double]) -> Double? { of(values, 0.5) }
}

/// The p50, p95 and p99 of a window, computed exactly (no sketch).
public struct QuantileSummary: Sendable, Equatable {
    /// Median.
    public let p50: Double
    /// 95th percentile.
    public let p95: Double
    /// 99th percentile.
    public let p99: Double
}

/// Exact quantiles of the last `capacity` finite values: a ring buffer plus a sorted copy kept in
/// step by binary search, so each update costs O(capacity) moves and each query O(1).
public struct RollingQuantiles: Sendable {
    /// The most values the window holds.
    public let capacity: Int
    private var ring: [Double] = []
    private var head = 0
    /// The window's values in ascending order.
    public private(set) var sortedValues: [Double] = []

    /// Creates an empty window; a capacity below 1 is raised to 1.
    public init(capacity: Int) {
        self.capacity = max(1, capacity)
    }

    /// A window holding what pushing `values` one by one would leave in it (the last `capacity`
    /// finite ones), built with one sort instead of a sorted insertion per value.
    public init(capacity: Int, filledWith values: some Sequence<Double>) {
        self.capacity = max(1, capacity)
        var finite: [Double] = []
        for value in values where value.isFinite { finite.append(value) }
        // Oldest first at the head, as the ring of one-by-one pushes reads from `head`.
        ring = finite.count > self.capacity ? Array(finite.suffix(self.capacity)) : finite
        sortedValues = ring.sorted()
    }

    /// Number of values in the window.
    public var count: Int { ring.count }

    /// Adds a value, evicting the oldest when full. Non-finite values are ignored (returns false).
    @discardableResult
    public mutating func push(_ x: Double) -> Bool {
        guard x.isFinite else { return false }
        if ring.count < capacity {
            if ring.count == ring.capacity {
                // Grown by doubling, but never past the window: a window kept for long (the
                // anomaly monitor keeps thousands) holds no unused tail.
                let target = Swift.min(capacity, Swift.max(8, ring.count * 2))
                ring.reserveCapacity(target)
                sortedValues.reserveCapacity(target)
            }
            ring.append(x)
        } else {
            let old = ring[head]
            ring[head] = x
            head = (head + 1) % capacity
            let at = Self.lowerBound(sortedValues, old)
            if at < sortedValues.count { sortedValues.remove(at: at) }
        }
        sortedValues.insert(x, at: Self.lowerBound(sortedValues, x))
        return true
    }

    /// Removes the oldest value (nothing when empty).
    public mutating func removeOldest() {
        guard !ring.isEmpty else { return }
        let old = ring.remove(at: head)
        // Oldest first from index 0 again, as a window that is not full keeps it.
        if head > 0, head < ring.count { ring = Array(ring[head...] + ring[..<head]) }
        head = 0
        let at = Self.lowerBound(sortedValues, old)
        if at < sortedValues.count { sortedValues.remove(at: at) }
    }

    /// Q(p) of the window (numpy "linear"); `nil` when empty.
    public func quantile(_ p: Double) -> Double? { Quantile.sorted(sortedValues, p) }

    /// p50, p95 and p99 of the window; `nil` when empty.
    public var summary: QuantileSummary? {
        guard let a = quantile(0.5), let b = quantile(0.95), let c = quantile(0.99) else { return nil }
        return QuantileSummary(p50: a, p95: b, p99: c)
    }

    static func lowerBound(_ a: [Double], _ x: Double) -> Int {
        var lo = 0, hi = a.count
        while lo < hi {
            let mid = (lo + hi) / 2
            if a[mid] < x { lo = mid + 1 } else { hi = mid }
        }
        return lo
    }
}
