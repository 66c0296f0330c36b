import ChurnGuardCore
@testable import ChurnGuardEngine
import ChurnGuardStorage
import Foundation
import Logging
import MetricsTestKit
import Testing

/// The shipped playbook on the demo dataset, run as of each planted incident's end: the
/// incident's insights (the generator on all 500 customers, as `DemoInsightsTests`) and
/// anomalies (the monitor on the first 40 customers' full history, as `DemoAnomalyTests`)
/// fire the expected rule, the recommendation links them, and its ROI equals a recomputation
/// from the dataset's raw points in this test. Heavy: run apart (scripts/test, HEAVY).
@Suite("Recommendations on the demo dataset")
struct DemoRecommendationsTests {
    static let dataset = DemoDataset(start: Timestamp(seconds: 1_760_000_400), days: 45)
    static let monitoredCustomers = 40
    static let organization = OrganizationID.random()

    /// The anomaly monitor's findings over the first 40 customers' 45 days, computed once.
    static let anomalies = Task<[Anomaly], any Error> {
        let small = DemoDataset(start: dataset.start, days: dataset.days, customers: monitoredCustomers)
        let store = InMemoryStore()
        for day in 0..<small.days {
            _ = try await store.append([PointBatch(organization: organization, points: small.points(forDay: day))])
        }
        try await store.createOrganization(Organization(id: organization, name: "demo", tier: .premium, createdAt: Date()))
        var logger = Logger(label: "demo-monitor")
        logger.logLevel = .critical
        let end = small.start.adding(seconds: Int64(small.days) * 86_400)
        let monitor = AnomalyMonitor(identity: store, points: store, anomalies: store, bus: nil, options: AnomalyMonitorOptions(),
                                     now: { end }, logger: logger)
        _ = try await monitor.runOnce()
        return try await MonitorFixture.all(store, organization)
    }

    /// What one run as of `hour` produced, and the store it read.
    struct Outcome {
        let run: RecommendationRunner.Run
        let insights: [Insight]
        let asOf: Timestamp
    }

    /// A store holding every point of every customer for the 15 days up to `hour`, the
    /// incident's insights and the monitor's anomalies; then one run of the shipped playbook.
    static func run(asOfHour hour: Int, periodDays: Int) async throws -> Outcome {
        let asOf = dataset.start.adding(seconds: Int64(hour) * 3_600)
        let store = InMemoryStore()
        for day in max(0, hour / 24 - 15)...min(dataset.days - 1, hour / 24) {
            let points = dataset.points(forDay: day).filter { $0.timestamp <= asOf }
            _ = try await store.append([PointBatch(organization: organization, points: points)])
        }
        try await store.commitMonitorRun(anomalies: try await anomalies.value, states: [], organization: organization)
        let insights = Self.insights(asOfHour: hour, periodDays: periodDays)
        _ = try await store.saveInsights(insights, organization: organization, at: asOf)
        let schema = try JSONSchema(text: BuiltInRecommendationRules.schema)
        let book = try RecommendationRulesParser.parse(Data(BuiltInRecommendationRules.playbook.utf8), file: "playbook", schema: schema)
        let runner = RecommendationRunner(backends: .single(store, name: "memory"), book: book, settings: RecommendationSettings(),
                                          cache: InProcessRecommendationCache(ttlSeconds: 0), metricsFactory: TestMetrics(),
                                          logger: Logger(label: "demo-recommendations"))
        let run = try await runner.run(organization: organization, asOf: asOf)
        if ProcessInfo.processInfo.environment["RECOMMENDATIONS_PRINT"] != nil {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
            for recommendation in run.recommendations {
                print("RECOMMENDATION \(String(decoding: try encoder.encode(RecommendationJSON(recommendation)), as: UTF8.self))")
            }
        }
        return Outcome(run: run, insights: insights, asOf: asOf)
    }

    /// The generator's insights as of `hour` on all 500 customers (as DemoInsightsTests computes them).
    static func insights(asOfHour hour: Int, periodDays: Int) -> [Insight] {
        var settings = InsightSettings()
        settings.periodDays = periodDays
        let asOf = dataset.start.adding(seconds: Int64(hour) * 3_600)
        var builders = Dictionary(uniqueKeysWithValues: DemoDataset.metricNames.map {
            ($0, MetricWindowBuilder(metricName: $0, asOf: asOf, periodDays: settings.periodDays))
        })
        for day in max(0, (hour - 2 * periodDays * 24) / 24)...min(dataset.days - 1, hour / 24) {
            for point in dataset.points(forDay: day) { builders[point.metricName]?.add(point) }
        }
        let windows = DemoDataset.metricNames.compactMap { builders[$0]?.build(dailyMeans: []) }
        return InsightGenerator(settings: settings).findings(InsightInputs(asOf: asOf, metrics: windows, firingAlerts: [])).map { finding in
            Insight(id: UUID().uuidString.lowercased(), organization: organization, kind: finding.kind, metricName: finding.metricName,
                    segment: finding.segment, severity: finding.severity, confidence: finding.confidence, title: finding.title,
                    narrative: finding.title, evidence: finding.evidence, revenueImpact: finding.revenueImpact, firstSeen: asOf, lastSeen: asOf,
                    expiresAt: asOf.adding(seconds: 86_400))
        }
    }

    /// The ROI figures of `recommendation` recomputed from the dataset's raw points: every
    /// customer of the target segment with its latest churn risk and MRR in the 2 days up to
    /// `asOf`; affected when the risk is at least the rule's minimum and the MRR above 0.
    static func recompute(_ recommendation: Recommendation, rule: RecommendationRule, asOf: Timestamp) -> (customers: Int, atRisk: Double, cost: Double) {
        let from = asOf.adding(seconds: -2 * 86_400)
        var latest: [String: (risk: (Timestamp, Double)?, mrr: (Timestamp, Double)?)] = [:]
        let hour = Int((asOf.microseconds - dataset.start.microseconds) / 3_600_000_000)
        for day in max(0, hour / 24 - 3)...min(dataset.days - 1, hour / 24) {
            for point in dataset.points(forDay: day) where point.timestamp >= from && point.timestamp <= asOf {
                if let segment = rule.target.segment, point.tags[segment.dimension] != segment.value { continue }
                guard let id = point.tags["customer_id"] else { continue }
                if point.metricName == "churn_risk_score", (latest[id]?.risk?.0 ?? .earliestAccepted) <= point.timestamp {
                    latest[id, default: (nil, nil)].risk = (point.timestamp, point.value)
                } else if point.metricName == "mrr", (latest[id]?.mrr?.0 ?? .earliestAccepted) <= point.timestamp {
                    latest[id, default: (nil, nil)].mrr = (point.timestamp, point.value)
                }
            }
        }
        let months = Double(rule.horizonDays) / 30
        var customers = 0
        var atRisk = 0.0
        for (_, value) in latest {
            guard let risk = value.risk?.1, let mrr = value.mrr?.1, risk >= rule.minimumChurnRisk, mrr > 0 else { continue }
            customers += 1
            atRisk += mrr * months * risk
        }
        return (customers, atRisk, rule.fixedCost + rule.costPerCustomer * Double(customers))
    }

    static func check(_ outcome: Outcome, ruleID: String) throws -> Recommendation {
        let schema = try JSONSchema(text: BuiltInRecommendationRules.schema)
        let book = try RecommendationRulesParser.parse(Data(BuiltInRecommendationRules.playbook.utf8), file: "playbook", schema: schema)
        let rule = try #require(book.rules.first { $0.id == ruleID })
        let recommendation = try #require(outcome.run.recommendations.first { $0.ruleID == ruleID },
                                          "fired \(outcome.run.fired), made \(outcome.run.recommendations.map(\.ruleID))")
        let roi = try #require(recommendation.roi)
        let expected = recompute(recommendation, rule: rule, asOf: outcome.asOf)
        #expect(recommendation.affectedCustomers == expected.customers)
        #expect(abs(roi.expected.revenueAtRisk - expected.atRisk) < 0.01, "\(roi.expected.revenueAtRisk) vs \(expected.atRisk)")
        #expect(abs(roi.expected.savedRevenue - expected.atRisk * rule.effect.expected) < 0.01)
        #expect(abs(roi.low.savedRevenue - expected.atRisk * rule.effect.low) < 0.01)
        #expect(abs(roi.high.savedRevenue - expected.atRisk * rule.effect.high) < 0.01)
        #expect(roi.expected.cost == expected.cost)
        #expect(abs(recommendation.expectedValue - (expected.atRisk * rule.effect.expected - expected.cost)) < 0.02)
        #expect(recommendation.confidence >= RecommendationSettings().confidenceThreshold)
        return recommendation
    }

    @Test("smb_activity_drop: an SMB re-engagement campaign, linked to the insight naming smb, ROI from the raw points")
    func smbActivityDrop() async throws {
        let outcome = try await Self.run(asOfHour: DemoDataset.incidents[0].endHour, periodDays: 7)
        let recommendation = try Self.check(outcome, ruleID: "smb_reengagement_campaign")
        let linked = outcome.insights.filter { recommendation.insightIDs.contains($0.id) }
        #expect(linked.contains { $0.kind == .segmentContribution && $0.metricName == "customer_activity" && $0.segment?.value == "smb" },
                "\(linked.map(\.title))")
        #expect(recommendation.target.segment == InsightSegment(dimension: "segment", value: "smb"))
        #expect(recommendation.affectedCustomers > 0 && recommendation.customers.count == recommendation.affectedCustomers)
    }

    @Test("mid_market_churn_risk_surge: success calls for mid-market, linked to the surge's insight and anomalies")
    func midMarketSurge() async throws {
        let incident = DemoDataset.incidents[1]
        let outcome = try await Self.run(asOfHour: incident.endHour, periodDays: 2)
        let recommendation = try Self.check(outcome, ruleID: "mid_market_success_calls")
        let linked = outcome.insights.filter { recommendation.insightIDs.contains($0.id) }
        #expect(linked.contains { $0.metricName == "churn_risk_score" && $0.segment?.value == "mid_market" }, "\(linked.map(\.title))")
        let anomalies = try await Self.anomalies.value.filter { recommendation.anomalyIDs.contains($0.id) }
        #expect(!anomalies.isEmpty && anomalies.allSatisfy { $0.metricName == "churn_risk_score" && $0.tags["segment"] == "mid_market" })
        let hours = anomalies.map { Int(($0.startedAt.microseconds - Self.dataset.start.microseconds) / 3_600_000_000) }
        #expect(hours.contains { incident.contains($0) }, "an anomaly of the surge itself is linked: \(hours)")
    }

    @Test("support_ticket_spike: a support escalation, linked to the broad ticket insight and the spike's anomalies")
    func ticketSpike() async throws {
        let incident = DemoDataset.incidents[2]
        let outcome = try await Self.run(asOfHour: incident.endHour, periodDays: 7)
        let recommendation = try Self.check(outcome, ruleID: "support_outage_escalation")
        let linked = outcome.insights.filter { recommendation.insightIDs.contains($0.id) }
        #expect(linked.contains { $0.metricName == "support_tickets" }, "\(linked.map(\.title))")
        let anomalies = try await Self.anomalies.value.filter { recommendation.anomalyIDs.contains($0.id) }
        let hours = anomalies.map { Int(($0.startedAt.microseconds - Self.dataset.start.microseconds) / 3_600_000_000) }
        #expect(anomalies.count >= 10 && hours.filter { incident.contains($0) }.count >= 10, "\(hours)")
        #expect(recommendation.target.segment == nil && recommendation.category == .supportEscalation)
    }
}
