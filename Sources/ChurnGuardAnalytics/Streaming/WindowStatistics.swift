/// Statistics of one ``SeriesWindow`` at one moment: what the real-time API and stream show.
public struct WindowStatistics: Sendable, Equatable {
    /// Whether a series is rising, falling or flat over its window.
    public enum Trend: String, Sendable, Equatable {
        /// The least-squares slope is positive and at least twice its standard error.
        case rising
        /// The slope is negative and at least twice its standard error.
        case falling
        /// No slope distinguishable from noise (or fewer than three points).
        case flat
    }

    /// Points in the window.
    public var count: Int
    /// Points ever folded into the window (including those that left it).
    public var observed: Int
    /// Mean of the window.
    public var mean: Double
    /// Sample standard deviation; `nil` for one point.
    public var standardDeviation: Double?
    /// Smallest value.
    public var min: Double
    /// Largest value.
    public var max: Double
    /// Exact median of the window (numpy's linear interpolation, as ``Quantile``).
    public var p50: Double
    /// Exact 95th percentile.
    public var p95: Double
    /// Exact 99th percentile.
    public var p99: Double
    /// The newest value (by time).
    public var lastValue: Double
    /// The newest point's time, microseconds since the epoch.
    public var lastTime: Int64
    /// The oldest point's time in the window, microseconds since the epoch.
    public var firstTime: Int64
    /// Change per second between the two newest points; `nil` until there are two.
    public var rateOfChangePerSecond: Double?
    /// Least-squares slope per second over the window; `nil` with fewer than two distinct times.
    public var trendSlopePerSecond: Double?
    /// The slope's direction when it stands out of the noise.
    public var trend: Trend
}

extension SeriesWindow {
    /// The window's statistics, `nil` when it is empty. Costs O(n log n) for the exact
    /// percentiles and O(n) for the trend; call it when statistics are read, not per point.
    public func statistics() -> WindowStatistics? {
        guard let mean, let min, let max, let last else { return nil }
        let (times, values) = points
        let sorted = values.sorted()
        let origin = times.min() ?? last.time
        let seconds = times.map { Double($0 - origin) / 1_000_000 }
        let fit = LinearTrend(x: seconds, y: values)
        var trend = WindowStatistics.Trend.flat
        if let fit, fit.count >= 3, fit.slope != 0, abs(fit.slope) >= 2 * fit.slopeStandardError {
            trend = fit.slope > 0 ? .rising : .falling
        }
        return WindowStatistics(
            count: values.count, observed: observed, mean: mean, standardDeviation: standardDeviation,
            min: min, max: max,
            p50: Quantile.sorted(sorted, 0.5) ?? mean, p95: Quantile.sorted(sorted, 0.95) ?? mean,
            p99: Quantile.sorted(sorted, 0.99) ?? mean,
            lastValue: last.value, lastTime: last.time, firstTime: origin,
            rateOfChangePerSecond: rateOfChangePerSecond, trendSlopePerSecond: fit?.slope, trend: trend)
    }
}
