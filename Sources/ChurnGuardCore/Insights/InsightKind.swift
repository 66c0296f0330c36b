/// What an insight says. Stored and served by its raw value, so a kind added later is an added
/// case and a template, not a migration.
public enum InsightKind: String, Sendable, Hashable, CaseIterable, Codable {
    /// A metric's slope changed beyond its confidence interval.
    case trendChange = "trend_change"
    /// Day over day or week over week, beyond the metric's own noise.
    case periodChange = "period_change"
    /// One tag value (a segment, a plan) drives most of a metric's change.
    case segmentContribution = "segment_contribution"
    /// Moves of one metric preceded moves of churn risk in the organization's history.
    case leadingIndicator = "leading_indicator"
    /// Monthly recurring revenue of customers whose churn risk is above the threshold.
    case revenueAtRisk = "revenue_at_risk"
    /// An alert rule's threshold is breached.
    case thresholdBreach = "threshold_breach"
    /// The anomalies the monitor found in a metric, the strongest explained by its methods.
    case anomalyExplained = "anomaly_explained"
}

/// How much an insight matters, lowest first.
public enum InsightSeverity: String, Sendable, Hashable, CaseIterable, Codable, Comparable {
    case low, medium, high, critical

    /// 1 (low) … 4 (critical): the severity factor of an insight's rank.
    public var weight: Int {
        switch self {
        case .low: 1
        case .medium: 2
        case .high: 3
        case .critical: 4
        }
    }

    public static func < (a: InsightSeverity, b: InsightSeverity) -> Bool { a.weight < b.weight }
}

/// The part of an organization an insight is about: one value of one dimension tag
/// (`segment` = `smb`), or the whole organization when an insight has none.
public struct InsightSegment: Sendable, Hashable, Codable {
    /// The dimension tag.
    public var dimension: String
    /// Its value.
    public var value: String

    /// Creates a segment.
    public init(dimension: String, value: String) {
        self.dimension = dimension
        self.value = value
    }
}
