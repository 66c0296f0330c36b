/// A univariate series as the detectors see it: values in row order, each with an optional time.
///
/// Timestamps are plain epoch seconds (`Double`); they are only used by the seasonal baseline.
/// Rows are never reordered or merged: unsorted or duplicate timestamps are kept as given, and a
/// NaN timestamp simply means "time unknown" for that row.
public struct TimeSeries: Sendable, Equatable {
    /// Epoch seconds of each row (NaN when unknown). Same length as `values`.
    public let timestamps: [Double]
    /// The observed values; non-finite entries are treated as missing by every detector.
    public let values: [Double]

    /// Creates a series; if the arrays differ in length the longer one is truncated.
    public init(timestamps: [Double], values: [Double]) {
        let n = min(timestamps.count, values.count)
        self.timestamps = Array(timestamps.prefix(n))
        self.values = Array(values.prefix(n))
    }

    /// Creates a series with integer epoch-second timestamps.
    public init(epochSeconds: [Int64], values: [Double]) {
        self.init(timestamps: epochSeconds.map(Double.init), values: values)
    }

    /// Creates a series without times (the seasonal baseline then never votes).
    public init(values: [Double]) {
        self.init(timestamps: Array(repeating: .nan, count: values.count), values: values)
    }

    /// Number of rows.
    public var count: Int { values.count }

    /// Whether there are no rows.
    public var isEmpty: Bool { values.isEmpty }

    /// The first `n` rows (all when n ≥ count): the view a causal detector has at row n − 1.
    public func prefix(_ n: Int) -> TimeSeries {
        let k = max(0, min(n, count))
        return TimeSeries(timestamps: Array(timestamps.prefix(k)), values: Array(values.prefix(k)))
    }

    /// The median spacing between consecutive increasing timestamps, or `nil` when it cannot be
    /// told (fewer than two usable timestamps).
    public var typicalInterval: Double? {
        var gaps: [Double] = []
        gaps.reserveCapacity(min(count, 4096))
        for i in 1..<max(1, min(count, 4097)) {
            let d = timestamps[i] - timestamps[i - 1]
            if d.isFinite, d > 0 { gaps.append(d) }
        }
        return Quantile.median(gaps)
    }
}
