public import ChurnGuardCore

/// Everything one generation run of one organization works from, gathered by
/// ``InsightDataLoader`` so that ``InsightGenerator`` is a pure function of it.
public struct InsightInputs: Sendable {
    /// The time the run describes: the current period ends here.
    public var asOf: Timestamp
    /// One window per metric.
    public var metrics: [MetricWindow]
    /// The organization's firing alerts.
    public var firingAlerts: [Alert]
    /// The anomalies of the current period not dismissed by feedback (open or confirmed).
    public var anomalies: [Anomaly]

    /// Creates inputs.
    public init(asOf: Timestamp, metrics: [MetricWindow], firingAlerts: [Alert], anomalies: [Anomaly] = []) {
        self.asOf = asOf
        self.metrics = metrics
        self.firingAlerts = firingAlerts
        self.anomalies = anomalies
    }

    /// The window of `name`, if loaded.
    public func metric(_ name: String) -> MetricWindow? { metrics.first { $0.metricName == name } }
}

/// One metric of one organization: its daily means over the history (from the daily rollups)
/// and each series' totals in the baseline and current periods (from the raw points).
public struct MetricWindow: Sendable {
    /// The metric.
    public var metricName: String
    /// Daily means, oldest first, the last one ending at `asOf` (NaN for a day without points).
    public var dailyMeans: [Double]
    /// Daily means of the baseline period and of the current period (from the raw points).
    public var baselineDays: [Double], currentDays: [Double]
    /// Every series seen in the two periods.
    public var series: [SeriesPeriods]

    /// Creates a window.
    public init(metricName: String, dailyMeans: [Double], baselineDays: [Double], currentDays: [Double], series: [SeriesPeriods]) {
        self.metricName = metricName
        self.dailyMeans = dailyMeans
        self.baselineDays = baselineDays
        self.currentDays = currentDays
        self.series = series
    }
}

/// One series (one customer's metric) over the two compared periods.
public struct SeriesPeriods: Sendable {
    /// The series' tags.
    public var tags: [String: String]
    /// Sum and count of its values in the baseline and in the current period.
    public var baselineSum: Double, baselineCount: Int
    public var currentSum: Double, currentCount: Int
    /// Mean of its values in the last day of each period (risk now and a period ago).
    public var lastDayMean: Double?, baselineLastDayMean: Double?
    /// Its latest value.
    public var latest: Double?

    /// Creates a series summary.
    public init(tags: [String: String], baselineSum: Double, baselineCount: Int, currentSum: Double, currentCount: Int,
                lastDayMean: Double?, baselineLastDayMean: Double?, latest: Double?) {
        self.tags = tags
        self.baselineSum = baselineSum
        self.baselineCount = baselineCount
        self.currentSum = currentSum
        self.currentCount = currentCount
        self.lastDayMean = lastDayMean
        self.baselineLastDayMean = baselineLastDayMean
        self.latest = latest
    }

    /// current − baseline total, relative to the baseline total (`nil` when that is 0).
    public var relativeChange: Double? { baselineSum != 0 ? (currentSum - baselineSum) / abs(baselineSum) : nil }
}
