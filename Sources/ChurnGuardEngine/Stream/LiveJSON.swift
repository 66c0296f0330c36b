public import ChurnGuardCore
public import ChurnGuardAnalytics

/// One live series' statistics as JSON (the realtime route and `stats` stream messages);
/// times in RFC 3339, rates per second, absent values omitted.
public struct LiveSeriesJSON: Encodable, Sendable {
    let tags: [String: String]
    let count: Int
    let observed: Int
    let mean: Double
    let stddev: Double?
    let min: Double
    let max: Double
    let p50: Double
    let p95: Double
    let p99: Double
    let last_value: Double
    let last_timestamp: String
    let first_timestamp: String
    let rate_of_change_per_second: Double?
    let trend: String
    let trend_slope_per_second: Double?

    /// The JSON of one series' statistics.
    public init(tags: [String: String], statistics s: WindowStatistics) {
        self.tags = tags
        count = s.count
        observed = s.observed
        mean = s.mean
        stddev = s.standardDeviation.flatMap { $0.isFinite ? $0 : nil }
        min = s.min
        max = s.max
        p50 = s.p50
        p95 = s.p95
        p99 = s.p99
        last_value = s.lastValue
        last_timestamp = Timestamp(microseconds: s.lastTime).description
        first_timestamp = Timestamp(microseconds: s.firstTime).description
        rate_of_change_per_second = s.rateOfChangePerSecond.flatMap { $0.isFinite ? $0 : nil }
        trend = s.trend.rawValue
        trend_slope_per_second = s.trendSlopePerSecond.flatMap { $0.isFinite ? $0 : nil }
    }
}

/// An alert as JSON (the alert routes and `alert` stream messages).
public struct AlertJSON: Encodable, Sendable {
    let id: String
    let rule_id: String
    let metric_name: String
    let tags: [String: String]
    let customer_id: String?
    let severity: String
    let condition: String
    let threshold: Double
    let state: String
    let value: Double
    let started_at: String
    let fired_at: String?
    let resolved_at: String?
    let acknowledged_at: String?
    let acknowledge_comment: String?
    let snoozed_until: String?
    let updated_at: String
    let history: [Entry]?

    /// One history entry.
    struct Entry: Encodable, Sendable {
        let at: String
        let event: String
        let value: Double?
        let comment: String?
        let until: String?
    }

    /// The JSON of `alert`, with its history when given.
    public init(_ alert: Alert, history: [AlertHistoryEntry]? = nil) {
        id = alert.id
        rule_id = alert.ruleID
        metric_name = alert.metricName
        tags = alert.tags
        customer_id = alert.customerID
        severity = alert.severity.rawValue
        condition = alert.condition.rawValue
        threshold = alert.threshold
        state = alert.state.rawValue
        value = alert.value
        started_at = alert.startedAt.description
        fired_at = alert.firedAt?.description
        resolved_at = alert.resolvedAt?.description
        acknowledged_at = alert.acknowledgedAt?.description
        acknowledge_comment = alert.acknowledgeComment
        snoozed_until = alert.snoozedUntil?.description
        updated_at = alert.updatedAt.description
        self.history = history?.map {
            Entry(at: $0.at.description, event: $0.event.rawValue, value: $0.value, comment: $0.comment, until: $0.until?.description)
        }
    }
}
