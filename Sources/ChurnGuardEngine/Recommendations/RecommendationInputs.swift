public import ChurnGuardCore

/// One statistic a rule asks for, without its comparison: what the loader computes once per run.
public struct StatisticKey: Sendable, Hashable {
    public var metricName: String
    public var statistic: StatisticCheck.Statistic
    public var windowDays: Int
    public var tags: [String: String]

    /// The key of `check`.
    public init(_ check: StatisticCheck) {
        metricName = check.metricName
        statistic = check.statistic
        windowDays = check.windowDays
        tags = check.tags
    }
}

/// Everything the rules of one organization are evaluated against, as of one time.
public struct RecommendationInputs: Sendable {
    /// The time of the run.
    public var asOf: Timestamp
    /// Current (unexpired) insights.
    public var insights: [Insight]
    /// Stored anomalies that ended within the longest window any rule asks for.
    public var anomalies: [Anomaly]
    /// Alerts that fired within that window.
    public var alerts: [Alert]
    /// Each statistic the rules ask for; `nil` when the window had no data.
    public var statistics: [StatisticKey: Double?]

    /// Creates inputs.
    public init(asOf: Timestamp, insights: [Insight] = [], anomalies: [Anomaly] = [], alerts: [Alert] = [],
                statistics: [StatisticKey: Double?] = [:]) {
        self.asOf = asOf
        self.insights = insights
        self.anomalies = anomalies
        self.alerts = alerts
        self.statistics = statistics
    }
}
