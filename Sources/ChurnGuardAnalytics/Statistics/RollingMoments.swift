/// Mean and variance of the last `capacity` finite values, updated in O(1) per value.
///
/// Uses Welford's update for additions and its inverse for removals, and recomputes the moments
/// exactly (two-pass) from the window every `capacity` removals, so rounding error cannot drift
/// over a long stream. All sums are kept relative to a shift (the mean at the last recompute),
/// so values like 1e9 + small noise are updated as small numbers: the relative error of the
/// variance stays near machine precision where the naive `Σx² − n·mean²` loses every digit.
public struct RollingMoments: Sendable {
    /// The most values the window holds; older values leave as new ones arrive.
    public let capacity: Int
    private var window: [Double] = []
    private var head = 0
    private var shift = 0.0
    private var mean_ = 0.0   // mean of (x − shift)
    private var m2 = 0.0
    private var removalsSinceRecompute = 0

    /// Creates an empty window; a capacity below 1 is raised to 1.
    public init(capacity: Int) {
        self.capacity = max(1, capacity)
        window.reserveCapacity(min(self.capacity, 4_096))
    }

    /// Number of values currently in the window.
    public var count: Int { window.count }

    /// Mean of the window, or `nil` when it is empty.
    public var mean: Double? { window.isEmpty ? nil : shift + mean_ }

    /// Sample variance (divisor n − 1), or `nil` with fewer than two values.
    public var variance: Double? { window.count < 2 ? nil : max(0, m2) / Double(window.count - 1) }

    /// Population variance (divisor n), or `nil` when empty.
    public var populationVariance: Double? { window.isEmpty ? nil : max(0, m2) / Double(window.count) }

    /// Sample standard deviation, or `nil` with fewer than two values.
    public var standardDeviation: Double? { variance.map { $0.squareRoot() } }

    /// The window's values, oldest first.
    public var values: [Double] {
        window.count < capacity ? window : Array(window[head...] + window[..<head])
    }

    /// Adds a value, evicting the oldest when full. Non-finite values are ignored (returns false).
    @discardableResult
    public mutating func push(_ x: Double) -> Bool {
        guard x.isFinite else { return false }
        if window.isEmpty { shift = x }
        let y = x - shift
        if window.count < capacity {
            window.append(x)
            let delta = y - mean_
            mean_ += delta / Double(window.count)
            m2 += delta * (y - mean_)
            return true
        }
        let old = window[head] - shift
        window[head] = x
        head = (head + 1) % capacity
        let n = Double(capacity)
        let oldMean = mean_
        mean_ += (y - old) / n
        m2 += (y - old) * ((y - mean_) + (old - oldMean))
        removalsSinceRecompute += 1
        if removalsSinceRecompute >= capacity { recompute() }
        return true
    }

    /// Empties the window.
    public mutating func reset() {
        window.removeAll(keepingCapacity: true)
        head = 0; shift = 0; mean_ = 0; m2 = 0; removalsSinceRecompute = 0
    }

    private mutating func recompute() {
        let moments = TwoPassMoments(window)
        shift = moments.mean
        // The shift is a rounded mean: keep the exact mean of (x − shift), whose terms are exact.
        mean_ = window.reduce(0) { $0 + ($1 - shift) } / Double(window.count)
        m2 = moments.sumOfSquaredDeviations
        removalsSinceRecompute = 0
    }
}

/// Exact mean and sum of squared deviations by the two-pass method (with the compensating
/// correction term), the reference the rolling computation is checked against.
public struct TwoPassMoments: Sendable {
    /// Arithmetic mean (0 for an empty input).
    public let mean: Double
    /// Σ(x − mean)², corrected for the rounding of the mean.
    public let sumOfSquaredDeviations: Double
    /// Number of values.
    public let count: Int

    /// Computes the moments of `values` (all assumed finite).
    public init(_ values: [Double]) {
        count = values.count
        guard !values.isEmpty else { mean = 0; sumOfSquaredDeviations = 0; return }
        let n = Double(values.count)
        let m = values.reduce(0, +) / n
        var ss = 0.0, comp = 0.0
        for x in values { let d = x - m; ss += d * d; comp += d }
        mean = m + comp / n
        sumOfSquaredDeviations = max(0, ss - comp * comp / n)
    }

    /// Sample variance (n − 1), or `nil` with fewer than two values.
    public var variance: Double? { count < 2 ? nil : sumOfSquaredDeviations / Double(count - 1) }
}
