import ChurnGuardCore
@testable import ChurnGuardEngine
import Testing

/// Rule conditions over insights, anomalies, alerts, statistics and other rules, nested.
@Suite("Recommendation rule conditions")
struct RuleEvaluatorTests {
    static let organization = OrganizationID.random()
    static let now = Timestamp(seconds: 1_764_000_000)

    static func insight(_ id: String, kind: InsightKind = .segmentContribution, metric: String = "customer_activity", segment: String? = "smb",
                        severity: InsightSeverity = .high, confidence: Double = 0.8) -> Insight {
        Insight(id: id, organization: organization, kind: kind, metricName: metric, segment: segment.map { InsightSegment(dimension: "segment", value: $0) },
                severity: severity, confidence: confidence, title: "t", narrative: "n", evidence: [:], revenueImpact: nil, firstSeen: now,
                lastSeen: now, expiresAt: now.adding(seconds: 86_400))
    }

    static func anomaly(_ id: String, metric: String = "churn_risk_score", segment: String = "mid_market", daysAgo: Int64,
                        severity: AnomalySeverity = .high, status: AnomalyStatus = .open, score: Double = 0.9) -> Anomaly {
        let end = now.adding(seconds: -daysAgo * 86_400)
        return Anomaly(id: id, organization: organization, metricName: metric, tags: ["segment": segment, "customer_id": id], startedAt: end.adding(seconds: -3_600),
                       endedAt: end, peakAt: end, peakValue: 1, expectedValue: 0.5, expectedLow: nil, expectedHigh: nil, score: score,
                       severity: severity, anomalousPoints: 2, methods: [], explanation: "", status: status, feedbackComment: nil,
                       feedbackAt: nil, detectedAt: end, updatedAt: end)
    }

    static func alert(_ id: String, metric: String = "support_tickets", firedDaysAgo: Int64?) -> Alert {
        Alert(id: id, organization: organization, ruleID: "r", metricName: metric, tags: ["segment": "smb"], severity: .critical,
              condition: .above, threshold: 5, state: .resolved, value: 9, startedAt: now.adding(seconds: -(firedDaysAgo ?? 1) * 86_400),
              firedAt: firedDaysAgo.map { now.adding(seconds: -$0 * 86_400) }, resolvedAt: nil, updatedAt: now)
    }

    static let inputs = RecommendationInputs(
        asOf: now,
        insights: [insight("i-smb"), insight("i-weak", segment: "enterprise", severity: .low, confidence: 0.3)],
        anomalies: [anomaly("a1", daysAgo: 1), anomaly("a2", daysAgo: 2, score: 0.99), anomaly("a3", daysAgo: 10),
                    anomaly("a4", daysAgo: 1, status: .falsePositive), anomaly("a5", daysAgo: 1, severity: .low)],
        alerts: [alert("al-1", firedDaysAgo: 1), alert("al-2", firedDaysAgo: 5), alert("al-never", firedDaysAgo: nil)],
        statistics: [StatisticKey(StatisticCheck(metricName: "logins", statistic: .relativeChange, windowDays: 7, comparison: .below, value: 0)): -0.4,
                     StatisticKey(StatisticCheck(metricName: "mrr", statistic: .sum, windowDays: 7, comparison: .below, value: 0)): Double?.none])

    static let evaluator = RuleEvaluator(inputs: inputs)

    @Test("insight: every given field must match; the matched insights are the evidence")
    func insights() {
        let smb = Self.evaluator.evaluate(.insight(InsightMatch(kind: .segmentContribution, segmentDimension: "segment", segmentValue: "smb")))
        #expect(smb.holds && smb.insights.map(\.id) == ["i-smb"])
        #expect(Self.evaluator.evaluate(.insight(InsightMatch(segmentValue: "enterprise", minimumSeverity: .medium))).holds == false)
        #expect(Self.evaluator.evaluate(.insight(InsightMatch(minimumConfidence: 0.5))).insights.map(\.id) == ["i-smb"])
        #expect(Self.evaluator.evaluate(.insight(InsightMatch(kind: .trendChange))).holds == false)
        #expect(Self.evaluator.evaluate(.insight(InsightMatch(metricName: "logins"))).holds == false)
    }

    @Test("insight direction: a rise or a drop, from the signed change in the insight's evidence")
    func direction() {
        var fall = Self.insight("i-fall")
        fall.evidence = ["total_change": .number(-12)]
        var rise = Self.insight("i-rise", metric: "churn_risk_score")
        rise.evidence = ["relative_change": .number(0.2)]
        var trend = Self.insight("i-trend", kind: .trendChange, metric: "logins")
        trend.evidence = ["recent_slope": .number(-1), "baseline_slope": .number(0.5)]
        let silent = Self.insight("i-silent", metric: "mrr")
        let evaluator = RuleEvaluator(inputs: RecommendationInputs(asOf: Self.now, insights: [fall, rise, trend, silent]))
        #expect(evaluator.evaluate(.insight(InsightMatch(rising: false))).insights.map(\.id) == ["i-fall", "i-trend"])
        #expect(evaluator.evaluate(.insight(InsightMatch(rising: true))).insights.map(\.id) == ["i-rise"])
        #expect(evaluator.evaluate(.insight(InsightMatch())).insights.count == 4, "no direction asked: every one")
    }

    @Test("anomaly: within the window, not false positives, at least the severity and count; strongest linked first")
    func anomalies() {
        let recent = Self.evaluator.evaluate(.anomaly(EventMatch(metricName: "churn_risk_score", tags: ["segment": "mid_market"],
                                                                 minimumSeverity: .medium, withinDays: 7, minimumCount: 2)))
        #expect(recent.holds && recent.anomalyIDs == ["a2", "a1"])
        #expect(!Self.evaluator.evaluate(.anomaly(EventMatch(minimumSeverity: .medium, withinDays: 7, minimumCount: 3))).holds)
        #expect(Self.evaluator.evaluate(.anomaly(EventMatch(withinDays: 14, minimumCount: 4))).holds, "a1, a2, a3, a5 (a4 is a false positive)")
        #expect(!Self.evaluator.evaluate(.anomaly(EventMatch(tags: ["segment": "smb"]))).holds)
    }

    @Test("alert: fired within the window, at least the count")
    func alerts() {
        #expect(Self.evaluator.evaluate(.alert(EventMatch(metricName: "support_tickets", withinDays: 3))).alertIDs == ["al-1"])
        #expect(Self.evaluator.evaluate(.alert(EventMatch(withinDays: 7, minimumCount: 2))).alertIDs == ["al-1", "al-2"])
        #expect(!Self.evaluator.evaluate(.alert(EventMatch(withinDays: 7, minimumCount: 3))).holds, "one never fired")
        #expect(!Self.evaluator.evaluate(.alert(EventMatch(minimumSeverity: .critical, withinDays: 7, minimumCount: 3))).holds)
    }

    @Test("statistic: compared as asked; no value (no data, over budget) never holds")
    func statistics() {
        func check(_ comparison: StatisticCheck.Comparison, _ value: Double) -> Bool {
            Self.evaluator.evaluate(.statistic(StatisticCheck(metricName: "logins", statistic: .relativeChange, windowDays: 7,
                                                              comparison: comparison, value: value))).holds
        }
        #expect(check(.below, -0.3) && !check(.below, -0.4) && check(.atMost, -0.4) && check(.above, -0.5) && !check(.atLeast, -0.39))
        #expect(!Self.evaluator.evaluate(.statistic(StatisticCheck(metricName: "mrr", statistic: .sum, windowDays: 7, comparison: .below, value: 1e9))).holds)
        #expect(!Self.evaluator.evaluate(.statistic(StatisticCheck(metricName: "other", statistic: .mean, windowDays: 7, comparison: .below, value: 1e9))).holds)
    }

    @Test("all, any and rule references nest; evidence comes only from conditions that held")
    func nesting() {
        let smb = RuleCondition.insight(InsightMatch(segmentValue: "smb"))
        let none = RuleCondition.insight(InsightMatch(kind: .trendChange))
        let alerts = RuleCondition.alert(EventMatch(withinDays: 3))
        #expect(Self.evaluator.evaluate(.all([smb, alerts])).holds)
        #expect(!Self.evaluator.evaluate(.all([smb, none])).holds)
        let any = Self.evaluator.evaluate(.any([none, alerts, smb]))
        #expect(any.holds && any.insights.map(\.id) == ["i-smb"] && any.alertIDs == ["al-1"])
        #expect(!Self.evaluator.evaluate(.any([none, .all([smb, none])])).holds)
        #expect(Self.evaluator.evaluate(.all([.rule("first"), smb]), fired: ["first"]).holds)
        #expect(!Self.evaluator.evaluate(.all([.rule("first"), smb]), fired: []).holds)
    }

    @Test("the statistics accumulator: mean, sum, min, max, count, customers, relative change")
    func accumulator() {
        var now = StatisticAccumulator(customerTag: "customer_id")
        var before = StatisticAccumulator(customerTag: "customer_id")
        for (index, value) in [2.0, 4, 6].enumerated() {
            now.add(MetricPoint(metricName: "m", timestamp: Self.now, value: value, tags: ["customer_id": "c\(index % 2)"]))
        }
        before.add(MetricPoint(metricName: "m", timestamp: Self.now, value: 8, tags: [:]))
        #expect(now.value(.mean, previous: nil) == 4 && now.value(.sum, previous: nil) == 12 && now.value(.min, previous: nil) == 2)
        #expect(now.value(.max, previous: nil) == 6 && now.value(.count, previous: nil) == 3 && now.value(.customers, previous: nil) == 2)
        #expect(now.value(.relativeChange, previous: before) == -0.5)  // (4 − 8) / 8
        #expect(StatisticAccumulator(customerTag: "c").value(.mean, previous: nil) == nil)
        #expect(now.value(.relativeChange, previous: StatisticAccumulator(customerTag: "c")) == nil)
    }
}
