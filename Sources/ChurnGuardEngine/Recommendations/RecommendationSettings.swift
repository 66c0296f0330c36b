/// How the recommendation engine runs: from the `recommendations` section of the
/// configuration (`max_recommendations`, `confidence_threshold`, `roi_calculation_enabled`)
/// plus fixed defaults documented in docs/RECOMMENDATIONS.md.
public struct RecommendationSettings: Sendable, Equatable {
    /// Most open recommendations kept and shown per organization (`recommendations.max_recommendations`).
    public var maxPerOrganization: Int = 50
    /// Least confidence of a recommendation stored (`recommendations.confidence_threshold`).
    public var confidenceThreshold: Double = 0.5
    /// Whether ROI is estimated (`recommendations.roi_calculation_enabled`).
    public var roiEnabled: Bool = true
    /// Days of points read for each customer's latest churn risk and revenue.
    public var customerLookbackDays: Int = 2
    /// Most raw points read per metric and window in one run (a run's budget).
    public var maxPointsPerMetric: Int = 2_000_000
    /// Most anomaly and alert ids linked to one recommendation.
    public var maxLinkedEvents: Int = 50
    /// Most insights, anomalies and alerts read per run.
    public var maxEvidenceRead: Int = 5_000
    /// Outcome: days before acceptance compared with the horizon after it.
    public var outcomePriorDays: Int = 14
    /// Outcome: a control customer's prior churn risk is within this distance of some treated customer's.
    public var outcomeRiskBand: Double = 0.1
    /// Outcome: fewest customers per group for an estimate.
    public var outcomeMinimumGroup: Int = 5
    /// Learning: the rule's own effect counts as this many measured customers when measured
    /// outcomes are folded into it.
    public var priorWeightCustomers: Double = 50
    /// How long listings are cached per organization, in seconds (0: no cache).
    public var cacheTTLSeconds: Int64 = 300

    /// The defaults.
    public init() {}
}
