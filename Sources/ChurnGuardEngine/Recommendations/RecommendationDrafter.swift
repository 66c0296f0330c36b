public import ChurnGuardCore
import Foundation

/// Turns a fired rule into a draft recommendation: affected customers, ROI, confidence and
/// expected value (docs/RECOMMENDATIONS.md). Pure: the runner hands it what it loaded.
public struct RecommendationDrafter: Sendable {
    let book: RecommendationRuleBook
    let settings: RecommendationSettings

    /// A drafter for the rules of `book`.
    public init(book: RecommendationRuleBook, settings: RecommendationSettings) {
        self.book = book
        self.settings = settings
    }

    /// The draft for `rule`, fired with `evidence`, over the target's `customers`, with
    /// `effect` (the rule's, or as learned from outcomes); `nil` when no customer is affected
    /// or the confidence is below the threshold.
    public func draft(rule: RecommendationRule, evidence: RuleEvaluator.Outcome, customers: [CustomerSnapshot], effect: EffectRange,
                      organization: OrganizationID, at time: Timestamp) -> Recommendation? {
        let affected = ROICalculator.affected(customers, minimumRisk: rule.minimumChurnRisk)
        guard !affected.isEmpty else { return nil }
        let confidence = Self.confidence(rule: rule.confidence, insights: evidence.insights.map(\.confidence))
        guard confidence >= settings.confidenceThreshold else { return nil }
        let roi = settings.roiEnabled
            ? ROICalculator.estimate(rule: rule, effect: effect, customers: affected, currency: book.currency, revenueMetric: book.revenueMetric,
                                     riskMetric: book.riskMetric)
            : nil
        let value = roi.map { ROICalculator.rounded($0.expected.savedRevenue - $0.expected.cost) } ?? 0
        return Recommendation(
            id: UUID().uuidString.lowercased(), organization: organization, ruleID: rule.id, title: rule.title, description: rule.description,
            category: rule.category, target: rule.target, affectedCustomers: affected.count, customers: affected.map(\.id),
            confidence: ROICalculator.rounded(confidence, places: 4), expectedValue: value, expectedEffect: effect.expected,
            horizonDays: rule.horizonDays, roi: roi, insightIDs: evidence.insights.map(\.id), anomalyIDs: evidence.anomalyIDs,
            alertIDs: evidence.alertIDs, createdAt: time)
    }

    /// The rule's trust combined with its insights': the geometric mean of the rule's
    /// confidence and the mean confidence of the insights it matched, or the rule's alone when
    /// it matched none (anomalies, alerts and statistics carry no confidence of their own).
    public static func confidence(rule: Double, insights: [Double]) -> Double {
        guard !insights.isEmpty else { return min(1, max(0, rule)) }
        let mean = insights.reduce(0, +) / Double(insights.count)
        return min(1, max(0, (rule * mean).squareRoot()))
    }

    /// The rule's effect with measured outcomes folded in: the expected effect becomes the
    /// average of the rule's (weighing `priorWeight` customers) and each outcome's relative
    /// effect (weighing its treated customers), kept within the rule's low–high range.
    public static func learnedEffect(_ effect: EffectRange, outcomes: [RecommendationOutcome], priorWeight: Double) -> EffectRange {
        var weight = max(0, priorWeight), total = effect.expected * max(0, priorWeight)
        for outcome in outcomes {
            guard let relative = outcome.relativeEffect, relative.isFinite, outcome.treated > 0 else { continue }
            weight += Double(outcome.treated)
            total += Double(outcome.treated) * relative
        }
        guard weight > 0 else { return effect }
        return EffectRange(low: effect.low, expected: min(effect.high, max(effect.low, total / weight)), high: effect.high)
    }
}
