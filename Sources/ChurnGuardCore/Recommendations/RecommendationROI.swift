/// One case (expected, low or high) of a recommendation's return on investment, in the
/// rule's currency over its horizon (docs/RECOMMENDATIONS.md).
public struct ROIFigures: Sendable, Hashable, Codable {
    /// Σ MRR × months of the horizon × churn probability over the affected customers.
    public var revenueAtRisk: Double
    /// Revenue at risk × the action's effect (relative reduction of churn probability).
    public var savedRevenue: Double
    /// Fixed cost + cost per customer × affected customers.
    public var cost: Double
    /// (saved − cost) / cost.
    public var roi: Double

    /// Creates the figures.
    public init(revenueAtRisk: Double, savedRevenue: Double, cost: Double, roi: Double) {
        self.revenueAtRisk = revenueAtRisk
        self.savedRevenue = savedRevenue
        self.cost = cost
        self.roi = roi
    }

    enum CodingKeys: String, CodingKey {
        case revenueAtRisk = "revenue_at_risk", savedRevenue = "saved_revenue", cost, roi
    }
}

/// A recommendation's return on investment: the expected case and the low and high ones (the
/// rule's effect range), with every assumption they rest on.
public struct ROIEstimate: Sendable, Hashable, Codable {
    /// Currency of every amount (the rules file's).
    public var currency: String
    /// Days over which revenue is counted.
    public var horizonDays: Int
    /// The metric read as each customer's monthly recurring revenue.
    public var revenueMetric: String
    /// The cases.
    public var expected: ROIFigures, low: ROIFigures, high: ROIFigures
    /// Every assumption, in words.
    public var assumptions: [String]

    /// Creates an estimate.
    public init(currency: String, horizonDays: Int, revenueMetric: String, expected: ROIFigures, low: ROIFigures, high: ROIFigures,
                assumptions: [String]) {
        self.currency = currency
        self.horizonDays = horizonDays
        self.revenueMetric = revenueMetric
        self.expected = expected
        self.low = low
        self.high = high
        self.assumptions = assumptions
    }

    enum CodingKeys: String, CodingKey {
        case currency, horizonDays = "horizon_days", revenueMetric = "revenue_metric", expected, low, high, assumptions
    }
}

/// What an accepted recommendation achieved, measured after its horizon by difference in
/// differences against comparable untreated customers (docs/RECOMMENDATIONS.md).
public struct RecommendationOutcome: Sendable, Hashable, Codable {
    /// When it was measured.
    public var evaluatedAt: Timestamp
    /// Treated and control customers with data in both periods.
    public var treated: Int, control: Int
    /// Reduction of churn risk attributed to the action (control's change − treated's change;
    /// positive: risk fell more for the treated), with its 95% confidence interval.
    public var measuredEffect: Double, ciLow: Double, ciHigh: Double
    /// The reduction the rule expected: its effect × the treated customers' mean prior risk.
    public var expectedEffect: Double
    /// Difference in differences of mean MRR per customer (treated − control).
    public var retainedMRRDifference: Double
    /// The treated customers' mean churn risk before acceptance (measured effect ÷ this is the
    /// relative effect folded into the rule's estimate).
    public var treatedPriorRisk: Double

    /// Creates an outcome.
    public init(evaluatedAt: Timestamp, treated: Int, control: Int, measuredEffect: Double, ciLow: Double, ciHigh: Double,
                expectedEffect: Double, retainedMRRDifference: Double, treatedPriorRisk: Double) {
        self.evaluatedAt = evaluatedAt
        self.treated = treated
        self.control = control
        self.measuredEffect = measuredEffect
        self.ciLow = ciLow
        self.ciHigh = ciHigh
        self.expectedEffect = expectedEffect
        self.retainedMRRDifference = retainedMRRDifference
        self.treatedPriorRisk = treatedPriorRisk
    }

    /// The measured relative reduction of churn probability (measured effect ÷ prior risk), `nil`
    /// without a prior risk.
    public var relativeEffect: Double? { treatedPriorRisk > 0 ? measuredEffect / treatedPriorRisk : nil }

    enum CodingKeys: String, CodingKey {
        case evaluatedAt = "evaluated_at_us", treated, control, measuredEffect = "measured_effect", ciLow = "ci_low", ciHigh = "ci_high"
        case expectedEffect = "expected_effect", retainedMRRDifference = "retained_mrr_difference"
        case treatedPriorRisk = "treated_prior_risk"
    }

    /// Decodes the stored form (times as integer microseconds).
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        evaluatedAt = Timestamp(microseconds: try c.decode(Int64.self, forKey: .evaluatedAt))
        treated = try c.decode(Int.self, forKey: .treated)
        control = try c.decode(Int.self, forKey: .control)
        measuredEffect = try c.decode(Double.self, forKey: .measuredEffect)
        ciLow = try c.decode(Double.self, forKey: .ciLow)
        ciHigh = try c.decode(Double.self, forKey: .ciHigh)
        expectedEffect = try c.decode(Double.self, forKey: .expectedEffect)
        retainedMRRDifference = try c.decode(Double.self, forKey: .retainedMRRDifference)
        treatedPriorRisk = try c.decode(Double.self, forKey: .treatedPriorRisk)
    }

    /// Encodes the stored form.
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(evaluatedAt.microseconds, forKey: .evaluatedAt)
        try c.encode(treated, forKey: .treated)
        try c.encode(control, forKey: .control)
        try c.encode(measuredEffect, forKey: .measuredEffect)
        try c.encode(ciLow, forKey: .ciLow)
        try c.encode(ciHigh, forKey: .ciHigh)
        try c.encode(expectedEffect, forKey: .expectedEffect)
        try c.encode(retainedMRRDifference, forKey: .retainedMRRDifference)
        try c.encode(treatedPriorRisk, forKey: .treatedPriorRisk)
    }
}
