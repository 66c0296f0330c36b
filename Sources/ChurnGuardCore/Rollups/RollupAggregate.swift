/// The mergeable summary of a set of values: count, sum, min, max and the running mean and
/// sum of squared deviations (`m2`) from which the sample standard deviation follows.
///
/// Keeping `(count, mean, m2)` instead of a sum of squares makes both adding one value
/// (Welford) and merging two partial summaries (Chan et al.'s parallel formula) numerically
/// stable, so a rollup folded in many increments equals one computed in a single pass over
/// the raw values to within rounding.
public struct RollupAggregate: Sendable, Equatable {
    /// How many values were folded in.
    public private(set) var count: Int64
    /// Their sum.
    public private(set) var sum: Double
    /// Their arithmetic mean (0 while empty).
    public private(set) var mean: Double
    /// Sum of squared deviations from the mean.
    public private(set) var m2: Double
    /// Smallest value (`+infinity` while empty).
    public private(set) var min: Double
    /// Largest value (`-infinity` while empty).
    public private(set) var max: Double

    /// An empty summary, the identity of ``merge(_:)``.
    public init() {
        count = 0; sum = 0; mean = 0; m2 = 0; min = .infinity; max = -.infinity
    }

    /// Restores a summary from its stored fields (as a backend keeps them).
    public init(count: Int64, sum: Double, mean: Double, m2: Double, min: Double, max: Double) {
        self.count = count
        self.sum = sum
        self.mean = mean
        self.m2 = m2
        self.min = min
        self.max = max
    }

    /// Summarises `values` in one pass.
    public init(_ values: some Sequence<Double>) {
        self.init()
        for value in values { add(value) }
    }

    /// Whether every stored field is a finite number (an empty summary's ±infinity bounds
    /// aside). Values within ``MetricPoint/maximumMagnitude`` always give a finite summary; a
    /// summary that is not finite cannot be stored (SQLite turns NaN into NULL) nor answered
    /// as JSON, so backends refuse to write one (see ``RollupStore``).
    public var isFinite: Bool {
        guard count > 0 else { return true }
        return sum.isFinite && mean.isFinite && m2.isFinite && min.isFinite && max.isFinite
    }

    /// Whether nothing was folded in yet.
    public var isEmpty: Bool { count == 0 }

    /// The mean, or `nil` while empty.
    public var average: Double? { count > 0 ? mean : nil }

    /// The sample standard deviation (as PostgreSQL's `STDDEV`): `nil` below two values.
    public var sampleStandardDeviation: Double? {
        guard count > 1 else { return nil }
        return (Swift.max(m2, 0) / Double(count - 1)).squareRoot()
    }

    /// Folds in one value (Welford's update).
    public mutating func add(_ value: Double) {
        count += 1
        sum += value
        let delta = value - mean
        mean += delta / Double(count)
        m2 += delta * (value - mean)
        if value < min { min = value }
        if value > max { max = value }
    }

    /// Folds in another summary (Chan, Golub and LeVeque's pairwise combination).
    public mutating func merge(_ other: RollupAggregate) {
        guard other.count > 0 else { return }
        guard count > 0 else { self = other; return }
        let total = count + other.count
        let n = Double(count)
        let m = Double(other.count)
        let delta = other.mean - mean
        mean += delta * (m / Double(total))
        m2 += other.m2 + delta * delta * (n * m / Double(total))
        sum += other.sum
        count = total
        if other.min < min { min = other.min }
        if other.max > max { max = other.max }
    }

    /// `self` with `other` merged in.
    public func merging(_ other: RollupAggregate) -> RollupAggregate {
        var copy = self
        copy.merge(other)
        return copy
    }
}
