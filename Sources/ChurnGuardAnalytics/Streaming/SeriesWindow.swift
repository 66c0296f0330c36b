/// The latest points of one series, at most `capacity` of them, with statistics kept up to
/// date as points arrive (the real-time engine's window).
///
/// Storage is a ring buffer of (time, value) pairs that grows on demand up to `capacity`, so
/// a series with few points holds little memory. Each ``push(time:value:)`` costs O(1): it
/// writes one slot and updates the running mean and sum of squared deviations with Welford's
/// update (and its inverse for the point that leaves), shifted as ``RollingMoments`` does and
/// recomputed exactly every `capacity` evictions so rounding cannot drift. Minimum and
/// maximum are updated in O(1) too; only when the evicted point was the extreme are they
/// marked stale and recomputed on the next read. Exact percentiles and the trend need the
/// whole window and are computed when statistics are read (``statistics()``), not per point.
///
/// Times are integer microseconds since the epoch; this type has no clock.
public struct SeriesWindow: Sendable {
    /// The most points kept; older points leave as new ones arrive.
    public let capacity: Int
    private var times: [Int64] = []
    private var values: [Double] = []
    /// Index of the oldest point once the ring is full (0 before).
    private var head = 0
    private var shift = 0.0
    private var shiftedMean = 0.0
    private var m2 = 0.0
    private var evictionsSinceRecompute = 0
    private var minimum = 0.0
    private var maximum = 0.0
    private var minimumStale = false
    private var maximumStale = false
    /// The newest point by time (ties: the later arrival) and the one it replaced as newest.
    private(set) var newest: (time: Int64, value: Double)?
    private var previousNewest: (time: Int64, value: Double)?
    /// Points ever pushed (including those that left the window).
    public private(set) var observed: Int = 0

    /// Creates an empty window; a capacity below 1 is raised to 1.
    public init(capacity: Int) {
        self.capacity = Swift.max(1, capacity)
    }

    /// Points in the window now.
    public var count: Int { values.count }

    /// The newest point by time (ties: the later arrival), or `nil` when empty.
    public var last: (time: Int64, value: Double)? { newest }

    /// Adds a point, evicting the oldest when full. A non-finite value is ignored (returns
    /// false): the stored points are validated finite, so this only guards the statistics.
    @discardableResult
    public mutating func push(time: Int64, value x: Double) -> Bool {
        guard x.isFinite else { return false }
        observed &+= 1
        if let current = newest {
            if time >= current.time {
                previousNewest = current
                newest = (time, x)
            }
        } else {
            newest = (time, x)
        }
        if values.count < capacity {
            if values.isEmpty {
                shift = x
                minimum = x
                maximum = x
            }
            times.append(time)
            values.append(x)
            let y = x - shift
            let delta = y - shiftedMean
            shiftedMean += delta / Double(values.count)
            m2 += delta * (y - shiftedMean)
            if x < minimum { minimum = x }
            if x > maximum { maximum = x }
            return true
        }
        let leaving = values[head]
        times[head] = time
        values[head] = x
        head = head + 1 == capacity ? 0 : head + 1
        let y = x - shift
        let old = leaving - shift
        let previousMean = shiftedMean
        shiftedMean += (y - old) / Double(capacity)
        m2 += (y - old) * ((y - shiftedMean) + (old - previousMean))
        if leaving == minimum { minimumStale = true }
        if leaving == maximum { maximumStale = true }
        if x <= minimum { minimum = x; minimumStale = false }
        if x >= maximum { maximum = x; maximumStale = false }
        evictionsSinceRecompute += 1
        if evictionsSinceRecompute >= capacity { recomputeMoments() }
        return true
    }

    /// The window's points, oldest first (in arrival order).
    public var points: (times: [Int64], values: [Double]) {
        guard values.count == capacity, head > 0 else { return (times, values) }
        return (Array(times[head...] + times[..<head]), Array(values[head...] + values[..<head]))
    }

    /// Mean of the window, `nil` when empty.
    public var mean: Double? { values.isEmpty ? nil : shift + shiftedMean }

    /// Sample standard deviation (divisor n − 1), `nil` with fewer than two points.
    public var standardDeviation: Double? {
        values.count < 2 ? nil : (Swift.max(0, m2) / Double(values.count - 1)).squareRoot()
    }

    /// Smallest value in the window, `nil` when empty (a scan only when the extreme left).
    public var min: Double? {
        guard !values.isEmpty else { return nil }
        return minimumStale ? values.min() : minimum
    }

    /// Largest value in the window, `nil` when empty.
    public var max: Double? {
        guard !values.isEmpty else { return nil }
        return maximumStale ? values.max() : maximum
    }

    /// Change per second from the previous newest point to the newest, `nil` until two points
    /// with different times arrived.
    public var rateOfChangePerSecond: Double? {
        guard let newest, let previousNewest, newest.time > previousNewest.time else { return nil }
        return (newest.value - previousNewest.value) / (Double(newest.time - previousNewest.time) / 1_000_000)
    }

    /// Bytes held by the window's storage (for the memory-per-series measurement).
    public var allocatedBytes: Int { (times.capacity + values.capacity) * 8 }

    /// Empties the window's points but keeps its capacity.
    public mutating func removeAll() {
        self = SeriesWindow(capacity: capacity)
    }

    private mutating func recomputeMoments() {
        let moments = TwoPassMoments(values)
        shift = moments.mean
        shiftedMean = values.reduce(0) { $0 + ($1 - shift) } / Double(values.count)
        m2 = moments.sumOfSquaredDeviations
        evictionsSinceRecompute = 0
    }
}
