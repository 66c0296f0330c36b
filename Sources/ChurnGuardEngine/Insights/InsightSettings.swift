/// What the insight generator looks at and how strict it is; from the `insights` section of
/// the configuration (`max_insights_per_org`, `confidence_threshold`) plus fixed defaults
/// documented in docs/INSIGHTS.md.
public struct InsightSettings: Sendable, Equatable {
    /// Most insights kept and shown per organization (`insights.max_insights_per_org`).
    public var maxPerOrganization: Int = 100
    /// Least confidence of an insight that is stored and shown (`insights.confidence_threshold`).
    public var confidenceThreshold: Double = 0.6
    /// Length of the compared periods, in days (7: week over week).
    public var periodDays: Int = 7
    /// Days of daily rollups read for trends and leading indicators.
    public var historyDays: Int = 42
    /// Significance level of every test.
    public var alpha: Double = 0.05
    /// Least relative change reported as a period change.
    public var minimumRelativeChange: Double = 0.05
    /// A tag is a dimension when it has between 2 and this many values (so `customer_id` is not).
    public var maxDimensionValues: Int = 50
    /// The churn-risk metric, per customer in [0, 1].
    public var riskMetric: String = "churn_risk_score"
    /// The monthly-recurring-revenue metric, per customer.
    public var revenueMetric: String = "mrr"
    /// The tag naming a customer.
    public var customerTag: String = "customer_id"
    /// Churn risk above which a customer's revenue is at risk.
    public var riskThreshold: Double = 0.7
    /// Metrics tested as leading indicators of the risk metric.
    public var leadingMetrics: [String] = ["customer_activity", "logins", "support_tickets"]
    /// Largest lag tried for a leading indicator, in days.
    public var maxLagDays: Int = 7
    /// How long an insight stays shown without a run confirming it, in seconds.
    public var expirySeconds: Int64 = 86_400
    /// Most raw points read per metric in one run (a run's budget).
    public var maxPointsPerMetric: Int = 2_000_000

    /// The defaults.
    public init() {}
}
