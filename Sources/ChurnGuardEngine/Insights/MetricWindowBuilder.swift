public import ChurnGuardCore

/// Folds one metric's raw points of the two compared periods into a ``MetricWindow``: per
/// series (by tags) the sums and counts of each period, the mean of each period's last day and
/// the latest value; per day (24-hour spans ending at `asOf`) the mean over every series.
///
/// The baseline period is `[asOf − 2·period, asOf − period)`, the current one
/// `[asOf − period, asOf)`; points outside both are ignored.
public struct MetricWindowBuilder: Sendable {
    /// The metric.
    public let metricName: String
    /// End of the current period.
    public let asOf: Timestamp
    /// Days per period.
    public let periodDays: Int

    private struct Accumulator {
        var tags: [String: String]
        var baseline = (sum: 0.0, count: 0), current = (sum: 0.0, count: 0)
        var lastDay = (sum: 0.0, count: 0), baselineLastDay = (sum: 0.0, count: 0)
        var latest: (Timestamp, Double)?
    }

    private var series: [[String: String]: Accumulator] = [:]
    private var days: [(sum: Double, count: Int)]

    /// An empty builder.
    public init(metricName: String, asOf: Timestamp, periodDays: Int) {
        self.metricName = metricName
        self.asOf = asOf
        self.periodDays = max(1, periodDays)
        days = Array(repeating: (0, 0), count: 2 * max(1, periodDays))
    }

    /// Start of the baseline period (the first point to read).
    public var from: Timestamp { asOf.adding(seconds: -Int64(2 * periodDays) * 86_400) }

    /// Adds one point (non-finite values and points outside the periods are skipped).
    public mutating func add(_ point: MetricPoint) {
        guard point.value.isFinite else { return }
        let age = asOf.microseconds - point.timestamp.microseconds   // > 0 inside
        guard age > 0 else { return }
        let dayIndexFromEnd = Int((age - 1) / 86_400_000_000)        // 0 = the last day
        guard dayIndexFromEnd < 2 * periodDays else { return }
        let day = 2 * periodDays - 1 - dayIndexFromEnd
        days[day].sum += point.value
        days[day].count += 1
        var entry = series[point.tags] ?? Accumulator(tags: point.tags)
        if day >= periodDays {
            entry.current.sum += point.value; entry.current.count += 1
            if day == 2 * periodDays - 1 { entry.lastDay.sum += point.value; entry.lastDay.count += 1 }
        } else {
            entry.baseline.sum += point.value; entry.baseline.count += 1
            if day == periodDays - 1 { entry.baselineLastDay.sum += point.value; entry.baselineLastDay.count += 1 }
        }
        if entry.latest.map({ point.timestamp >= $0.0 }) ?? true { entry.latest = (point.timestamp, point.value) }
        series[point.tags] = entry
    }

    /// The window, with `dailyMeans` from the rollups (or, when they are empty, the
    /// period days' own means).
    public func build(dailyMeans: [Double]) -> MetricWindow {
        let means = days.map { $0.count > 0 ? $0.sum / Double($0.count) : Double.nan }
        func mean(_ part: (sum: Double, count: Int)) -> Double? { part.count > 0 ? part.sum / Double(part.count) : nil }
        let summaries = series.values.sorted { $0.tags.description < $1.tags.description }.map { entry in
            SeriesPeriods(tags: entry.tags, baselineSum: entry.baseline.sum, baselineCount: entry.baseline.count,
                          currentSum: entry.current.sum, currentCount: entry.current.count, lastDayMean: mean(entry.lastDay),
                          baselineLastDayMean: mean(entry.baselineLastDay), latest: entry.latest?.1)
        }
        return MetricWindow(metricName: metricName, dailyMeans: dailyMeans.isEmpty ? means : dailyMeans,
                            baselineDays: Array(means.prefix(periodDays)).filter(\.isFinite),
                            currentDays: Array(means.suffix(periodDays)).filter(\.isFinite), series: summaries)
    }
}
