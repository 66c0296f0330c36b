import ChurnGuardCore
@testable import ChurnGuardEngine
import Testing

/// ROI of a fired rule, against figures computed by hand in the test.
@Suite("ROI of a recommendation")
struct ROICalculatorTests {
    static let rule = RecommendationRule(
        id: "calls", confidence: 0.8, conditions: .all([]),
        target: RecommendationTarget(metricName: "churn_risk_score", segment: InsightSegment(dimension: "segment", value: "smb")),
        minimumChurnRisk: 0.5, title: "Call", description: "Call them.", category: .successCall,
        effect: EffectRange(low: 0.1, expected: 0.25, high: 0.4), horizonDays: 90, fixedCost: 500, costPerCustomer: 100)

    static let customers = [
        CustomerSnapshot(id: "a", churnRisk: 0.8, mrr: 1_000),   // affected
        CustomerSnapshot(id: "b", churnRisk: 0.5, mrr: 400),     // affected (at the threshold)
        CustomerSnapshot(id: "c", churnRisk: 0.49, mrr: 9_000),  // below the risk threshold
        CustomerSnapshot(id: "d", churnRisk: 1.0, mrr: 0),       // already churned: nothing to save
    ]

    @Test("affected customers: risk at or above the rule's minimum and revenue above 0, highest revenue at risk first")
    func affected() {
        #expect(ROICalculator.affected(Self.customers, minimumRisk: 0.5).map(\.id) == ["a", "b"])
    }

    @Test("revenue at risk, saved revenue, cost and ROI for the expected, low and high effect, computed by hand")
    func figures() {
        let affected = ROICalculator.affected(Self.customers, minimumRisk: 0.5)
        let estimate = ROICalculator.estimate(rule: Self.rule, effect: Self.rule.effect, customers: affected, currency: "USD",
                                              revenueMetric: "mrr", riskMetric: "churn_risk_score")
        // 90 days = 3 months: a 1000 × 3 × 0.8 = 2400, b 400 × 3 × 0.5 = 600 → 3000 at risk.
        // Cost 500 + 2 × 100 = 700.
        #expect(estimate.expected == ROIFigures(revenueAtRisk: 3_000, savedRevenue: 750, cost: 700, roi: 0.0714))  // (750 − 700) / 700
        #expect(estimate.low == ROIFigures(revenueAtRisk: 3_000, savedRevenue: 300, cost: 700, roi: -0.5714))     // (300 − 700) / 700
        #expect(estimate.high == ROIFigures(revenueAtRisk: 3_000, savedRevenue: 1_200, cost: 700, roi: 0.7143))   // (1200 − 700) / 700
        #expect(estimate.currency == "USD" && estimate.horizonDays == 90 && estimate.revenueMetric == "mrr")
        #expect(estimate.assumptions.count == 5)
        #expect(estimate.assumptions.contains { $0.contains("2 with churn_risk_score ≥ 0.50 and mrr > 0 in segment smb") }, "\(estimate.assumptions)")
        #expect(estimate.assumptions.contains { $0.contains("by 25% (low 10%, high 40%)") }, "\(estimate.assumptions)")
    }

    @Test("the draft: expected value = saved − cost, confidence from the rule and its insights, ids linked; nothing without customers")
    func draft() throws {
        var settings = RecommendationSettings()
        settings.confidenceThreshold = 0.5
        let drafter = RecommendationDrafter(book: RecommendationRuleBook(rules: [Self.rule]), settings: settings)
        let insight = Insight(id: "i-1", organization: .random(), kind: .segmentContribution, metricName: "churn_risk_score",
                              segment: nil, severity: .high, confidence: 0.45, title: "t", narrative: "n", evidence: [:], revenueImpact: nil,
                              firstSeen: Timestamp(seconds: 0), lastSeen: Timestamp(seconds: 0), expiresAt: Timestamp(seconds: 1))
        let evidence = RuleEvaluator.Outcome(holds: true, insights: [insight], anomalyIDs: ["an-1"], alertIDs: ["al-1"])
        let time = Timestamp(seconds: 1_764_000_000)
        let draft = try #require(drafter.draft(rule: Self.rule, evidence: evidence, customers: Self.customers, effect: Self.rule.effect,
                                               organization: .random(), at: time))
        #expect(draft.expectedValue == 50)  // 750 − 700
        #expect(draft.confidence == 0.6)    // √(0.8 × 0.45)
        #expect(draft.affectedCustomers == 2 && draft.customers == ["a", "b"])
        #expect(draft.insightIDs == ["i-1"] && draft.anomalyIDs == ["an-1"] && draft.alertIDs == ["al-1"])
        #expect(draft.status == .open && draft.createdAt == time && draft.updatedAt == time)
        #expect(drafter.draft(rule: Self.rule, evidence: evidence, customers: [Self.customers[2]], effect: Self.rule.effect,
                              organization: .random(), at: time) == nil, "no affected customer")
        settings.confidenceThreshold = 0.61
        #expect(RecommendationDrafter(book: RecommendationRuleBook(rules: [Self.rule]), settings: settings)
            .draft(rule: Self.rule, evidence: evidence, customers: Self.customers, effect: Self.rule.effect, organization: .random(), at: time) == nil,
                "below the confidence threshold")
        settings.confidenceThreshold = 0
        settings.roiEnabled = false
        let plain = RecommendationDrafter(book: RecommendationRuleBook(rules: [Self.rule]), settings: settings)
            .draft(rule: Self.rule, evidence: evidence, customers: Self.customers, effect: Self.rule.effect, organization: .random(), at: time)
        #expect(plain?.roi == nil && plain?.expectedValue == 0, "ROI off")
    }

    @Test("measured outcomes fold into the rule's effect, weighted by treated customers, within its range")
    func learnedEffect() {
        let effect = EffectRange(low: 0.1, expected: 0.25, high: 0.4)
        func outcome(relative: Double, treated: Int) -> RecommendationOutcome {
            RecommendationOutcome(evaluatedAt: Timestamp(seconds: 0), treated: treated, control: 50, measuredEffect: relative * 0.5, ciLow: 0,
                                  ciHigh: 1, expectedEffect: 0.125, retainedMRRDifference: 0, treatedPriorRisk: 0.5)
        }
        // (50 × 0.25 + 50 × 0.15) / 100 = 0.20
        #expect(abs(RecommendationDrafter.learnedEffect(effect, outcomes: [outcome(relative: 0.15, treated: 50)], priorWeight: 50).expected - 0.2) < 1e-12)
        // A measured 0.9 would pull above the high end: bounded at 0.4.
        #expect(RecommendationDrafter.learnedEffect(effect, outcomes: [outcome(relative: 0.9, treated: 500)], priorWeight: 50).expected == 0.4)
        #expect(RecommendationDrafter.learnedEffect(effect, outcomes: [], priorWeight: 50) == effect)
    }
}
