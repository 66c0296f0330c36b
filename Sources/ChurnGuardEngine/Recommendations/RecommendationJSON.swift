public import ChurnGuardCore

/// A recommendation as JSON (the recommendation routes): the fields of the recommendation
/// contract (snake_case, RFC 3339 times, at most 100 customer ids listed) plus `priority`,
/// `expected_effect`, `horizon_days` and `accept_note`.
public struct RecommendationJSON: Encodable, Sendable {
    /// Most customer ids listed.
    public static let listedCustomers = 100

    let id: String
    let rule_id: String
    let title: String
    let description: String
    let category: String
    let status: String
    let priority: String
    let target: Target
    let affected_customers: Int
    let customers: [String]
    let confidence: Double
    let expected_value: Double
    let expected_effect: Double
    let horizon_days: Int
    let roi: ROIJSON?
    let insight_ids: [String]
    let anomaly_ids: [String]
    let alert_ids: [String]
    let outcome: OutcomeJSON?
    let created_at: String
    let updated_at: String
    let accepted_at: String?
    let treated_customers: [String]?
    let accept_note: String?
    let dismissed_at: String?
    let dismiss_reason: String?

    struct Target: Encodable, Sendable {
        let metric_name: String?
        let segment: Segment?
    }

    struct Segment: Encodable, Sendable {
        let dimension: String
        let value: String
    }

    struct Figures: Encodable, Sendable {
        let revenue_at_risk: Double, saved_revenue: Double, cost: Double, roi: Double
        init(_ figures: ROIFigures) {
            revenue_at_risk = figures.revenueAtRisk
            saved_revenue = figures.savedRevenue
            cost = figures.cost
            roi = figures.roi
        }
    }

    struct ROIJSON: Encodable, Sendable {
        let currency: String
        let horizon_days: Int
        let revenue_metric: String
        let expected: Figures, low: Figures, high: Figures
        let assumptions: [String]
    }

    struct OutcomeJSON: Encodable, Sendable {
        let evaluated_at: String
        let treated: Int, control: Int
        let measured_effect: Double, ci_low: Double, ci_high: Double, expected_effect: Double
        let retained_mrr_difference: Double
        let treated_prior_risk: Double
    }

    /// The JSON of `recommendation`.
    public init(_ recommendation: Recommendation) {
        id = recommendation.id
        rule_id = recommendation.ruleID
        title = recommendation.title
        description = recommendation.description
        category = recommendation.category.rawValue
        status = recommendation.status.rawValue
        priority = Self.priority(recommendation)
        target = Target(metric_name: recommendation.target.metricName,
                        segment: recommendation.target.segment.map { Segment(dimension: $0.dimension, value: $0.value) })
        affected_customers = recommendation.affectedCustomers
        customers = Array(recommendation.customers.prefix(Self.listedCustomers))
        confidence = recommendation.confidence
        expected_value = recommendation.expectedValue
        expected_effect = recommendation.expectedEffect
        horizon_days = recommendation.horizonDays
        roi = recommendation.roi.map {
            ROIJSON(currency: $0.currency, horizon_days: $0.horizonDays, revenue_metric: $0.revenueMetric, expected: Figures($0.expected),
                    low: Figures($0.low), high: Figures($0.high), assumptions: $0.assumptions)
        }
        insight_ids = recommendation.insightIDs
        anomaly_ids = recommendation.anomalyIDs
        alert_ids = recommendation.alertIDs
        outcome = recommendation.outcome.map {
            OutcomeJSON(evaluated_at: $0.evaluatedAt.description, treated: $0.treated, control: $0.control, measured_effect: $0.measuredEffect,
                        ci_low: $0.ciLow, ci_high: $0.ciHigh, expected_effect: $0.expectedEffect,
                        retained_mrr_difference: $0.retainedMRRDifference, treated_prior_risk: $0.treatedPriorRisk)
        }
        created_at = recommendation.createdAt.description
        updated_at = recommendation.updatedAt.description
        accepted_at = recommendation.acceptedAt?.description
        treated_customers = recommendation.treatedCustomers
        accept_note = recommendation.acceptNote
        dismissed_at = recommendation.dismissedAt?.description
        dismiss_reason = recommendation.dismissReason
    }

    /// Priority from the expected ROI (≥ 10 critical, ≥ 3 high, ≥ 1 medium, else low), or from
    /// the confidence without an ROI estimate (≥ 0.9 high, ≥ 0.7 medium, else low).
    static func priority(_ recommendation: Recommendation) -> String {
        guard let roi = recommendation.roi?.expected.roi else {
            return recommendation.confidence >= 0.9 ? "high" : recommendation.confidence >= 0.7 ? "medium" : "low"
        }
        return roi >= 10 ? "critical" : roi >= 3 ? "high" : roi >= 1 ? "medium" : "low"
    }

    /// Encodes absent optional fields as absent and `roi`/`outcome` as null when absent (the contract's shape).
    enum CodingKeys: String, CodingKey {
        case id, rule_id, title, description, category, status, priority, target, affected_customers, customers, confidence
        case expected_value, expected_effect, horizon_days, roi, insight_ids, anomaly_ids, alert_ids, outcome, created_at, updated_at
        case accepted_at, treated_customers, accept_note, dismissed_at, dismiss_reason
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(id, forKey: .id)
        try c.encode(rule_id, forKey: .rule_id)
        try c.encode(title, forKey: .title)
        try c.encode(description, forKey: .description)
        try c.encode(category, forKey: .category)
        try c.encode(status, forKey: .status)
        try c.encode(priority, forKey: .priority)
        try c.encode(target, forKey: .target)
        try c.encode(affected_customers, forKey: .affected_customers)
        try c.encode(customers, forKey: .customers)
        try c.encode(confidence, forKey: .confidence)
        try c.encode(expected_value, forKey: .expected_value)
        try c.encode(expected_effect, forKey: .expected_effect)
        try c.encode(horizon_days, forKey: .horizon_days)
        try c.encode(roi, forKey: .roi)
        try c.encode(insight_ids, forKey: .insight_ids)
        try c.encode(anomaly_ids, forKey: .anomaly_ids)
        try c.encode(alert_ids, forKey: .alert_ids)
        try c.encode(outcome, forKey: .outcome)
        try c.encode(created_at, forKey: .created_at)
        try c.encode(updated_at, forKey: .updated_at)
        try c.encodeIfPresent(accepted_at, forKey: .accepted_at)
        try c.encodeIfPresent(treated_customers, forKey: .treated_customers)
        try c.encodeIfPresent(accept_note, forKey: .accept_note)
        try c.encodeIfPresent(dismissed_at, forKey: .dismissed_at)
        try c.encodeIfPresent(dismiss_reason, forKey: .dismiss_reason)
    }
}
