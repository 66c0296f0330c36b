import ChurnGuardAnalytics
import ChurnGuardCore
@testable import ChurnGuardEngine
import ChurnGuardStorage
import Foundation
import Logging
import MetricsTestKit
import Testing

/// The `anomaly_explained` kind on constructed anomalies whose figures are computed by hand,
/// and through a generation run reading stored anomalies.
@Suite("Anomaly explained insights")
struct AnomalyExplainedTests {
    static let asOf = InsightGeneratorTests.asOf

    static func anomaly(_ customer: String, segment: String, plan: String, score: Double, severity: AnomalySeverity = .medium,
                        points: Int = 1, methods: [AnomalyMethodScore]? = nil, organization: OrganizationID = .random(),
                        hoursAgo: Int = 5) -> Anomaly {
        let start = asOf.adding(seconds: -Int64(hoursAgo) * 3_600)
        return Anomaly(id: "an-\(customer)", organization: organization, metricName: "customer_activity",
                       tags: ["customer_id": customer, "segment": segment, "plan": plan], startedAt: start, endedAt: start,
                       peakAt: start, peakValue: 12, expectedValue: 48, expectedLow: 40, expectedHigh: 56, score: score, severity: severity,
                       anomalousPoints: points,
                       methods: methods ?? [AnomalyMethodScore(method: "mad", score: score, vote: true)],
                       explanation: "customer_activity fell to 12 for \(customer), expected about 48", detectedAt: start, updatedAt: start)
    }

    static var generator: InsightGenerator {
        var settings = InsightSettings()
        settings.confidenceThreshold = 0
        return InsightGenerator(settings: settings)
    }

    @Test("four anomalies, three in segment a: the strongest told with its methods, segment a named, confidence and revenue by hand")
    func concentrated() throws {
        let methods = [AnomalyMethodScore(method: "mad", score: 0.9, vote: true), AnomalyMethodScore(method: "seasonal", score: 0.8, vote: true),
                       AnomalyMethodScore(method: "lof", score: 0.3, vote: false)]
        // Customers c00 (starter), c01 (growth), c03 (growth) are in segment a, c10 (starter) in b
        // (see InsightGeneratorTests.activity(): segment = i / 10, plan starter for even i).
        let anomalies = [Self.anomaly("c00", segment: "a", plan: "starter", score: 0.9, severity: .high, points: 2, methods: methods),
                         Self.anomaly("c01", segment: "a", plan: "growth", score: 0.7),
                         Self.anomaly("c03", segment: "a", plan: "growth", score: 0.6),
                         Self.anomaly("c10", segment: "b", plan: "starter", score: 0.65)]
        let inputs = InsightInputs(asOf: Self.asOf, metrics: [InsightGeneratorTests.activity()], firingAlerts: [], anomalies: anomalies)
        let findings = Self.generator.anomaliesExplained(inputs, revenue: ["c00": 100, "c01": 200, "c03": 300, "c10": 50, "c20": 999])
        let finding = try #require(findings.first)
        #expect(findings.count == 1 && finding.kind == .anomalyExplained && finding.metricName == "customer_activity")
        // Segment a holds 3 of 4 (75 % ≥ 60 %) against 10 of 30 series (lift 2.25 ≥ 1.5); the plans split 2–2.
        #expect(finding.segment == InsightSegment(dimension: "segment", value: "a"))
        #expect(finding.severity == .high)
        // p = 1 − 0.9 · 2/3 = 0.4; n = 2 + 1 + 1 + 1 = 5 points; effect = |12 − 48| / ((56 − 40) / 2) = 4.5.
        let expected = (0.6).squareRoot() * pow(1 - exp(-0.5), 0.25) * pow(1 - exp(-9.0), 0.25)
        #expect(abs(finding.confidence - expected) < 1e-12, "\(finding.confidence) vs \(expected)")
        #expect(finding.revenueImpact == 650)
        #expect(finding.evidence["strongest_anomaly_id"] == .text("an-c00"))
        #expect(finding.evidence["anomaly_ids"] == .list(["an-c00", "an-c01", "an-c03", "an-c10"]))
        #expect(finding.evidence["methods_voting"] == .list(["mad", "seasonal"]))
        #expect(finding.variables["methods_agreed"] == "2 of 3 methods")
        #expect(finding.variables["method_scores"] == "mad 0.9 (voted), seasonal 0.8 (voted), lof 0.3")
        let narrator = try InsightNarrator(texts: BuiltInInsightTemplates.texts)
        #expect(narrator.narrate(finding) == "4 anomalies in customer_activity over the last 7 days, for 4 customers, 75 % of them in segment a. "
            + "The strongest: customer_activity fell to 12 for c00, expected about 48 (2 of 3 methods agreed: mad 0.9 (voted), "
            + "seasonal 0.8 (voted), lof 0.3; confidence \(Int((expected * 100).rounded())) %).")
    }

    @Test("a value every series carries is not named, nor are fewer than three anomalies")
    func notConcentrated() throws {
        let everywhere = MetricWindow(metricName: "customer_activity", dailyMeans: [], baselineDays: [], currentDays: [],
                                      series: (0..<10).map { InsightGeneratorTests.series("c0\($0)", segment: "a", plan: "starter",
                                                                                         baseline: 70, current: 70) })
        let all = (0..<4).map { Self.anomaly("c0\($0)", segment: "a", plan: "starter", score: 0.8) }
        let broad = Self.generator.anomaliesExplained(
            InsightInputs(asOf: Self.asOf, metrics: [everywhere], firingAlerts: [], anomalies: all), revenue: [:])
        #expect(broad.count == 1 && broad.first?.segment == nil, "lift 1 names nothing: \(String(describing: broad.first?.segment))")
        #expect(broad.first?.revenueImpact == nil)
        let two = Self.generator.anomaliesExplained(
            InsightInputs(asOf: Self.asOf, metrics: [InsightGeneratorTests.activity()], firingAlerts: [],
                          anomalies: [Self.anomaly("c00", segment: "a", plan: "starter", score: 0.8),
                                      Self.anomaly("c01", segment: "a", plan: "growth", score: 0.7)]), revenue: [:])
        #expect(two.first?.segment == nil && two.first?.variables["concentrated"] == nil)
        #expect(two.first?.title == "2 anomalies in customer_activity")
    }

    @Test("confidence rises with score, agreement, points and deviation")
    func monotone() {
        func confidence(score: Double = 0.8, voting: Int = 2, points: Int = 3, peak: Double = 20) -> Double {
            AnomalyEvidence(score: score, voting: voting, methods: 3, peak: peak, expected: 48, expectedLow: 40, expectedHigh: 56,
                            points: points).confidence
        }
        #expect(confidence(score: 0.9) > confidence(score: 0.8))
        #expect(confidence(voting: 3) > confidence(voting: 2))
        #expect(confidence(points: 10) > confidence(points: 3))
        #expect(confidence(peak: 10) > confidence(peak: 20))
        #expect(AnomalyEvidence(score: 0.8, voting: 0, methods: 3, peak: 1, expected: nil, expectedLow: nil, expectedHigh: nil,
                                points: 3).confidence == 0, "no method voting and no expectation: no evidence")
    }

    @Test("a run explains the stored anomalies of the current period and leaves out those marked false positive")
    func throughARun() async throws {
        let store = InMemoryStore()
        let organization = OrganizationID.random()
        let kept = [Self.anomaly("c00", segment: "a", plan: "starter", score: 0.9, organization: organization),
                    Self.anomaly("c01", segment: "a", plan: "growth", score: 0.8, organization: organization)]
        let dismissed = Self.anomaly("c02", segment: "a", plan: "starter", score: 0.99, organization: organization)
        let old = Self.anomaly("c03", segment: "a", plan: "growth", score: 0.99, organization: organization, hoursAgo: 9 * 24)
        for anomaly in kept + [dismissed, old] {
            try await store.commitMonitorRun(anomalies: [anomaly], states: [AnomalySeriesState(metricName: anomaly.metricName, tags: anomaly.tags)],
                                             organization: organization)
        }
        _ = try await store.recordAnomalyFeedback(id: dismissed.id, organization: organization, feedback: .falsePositive, comment: nil, at: Self.asOf,
                                                  tuning: AnomalySeriesTuning())
        let runner = InsightRunner(backends: .single(store, name: "memory"), settings: InsightSettings(),
                                   narrator: try InsightNarrator(texts: BuiltInInsightTemplates.texts),
                                   cache: InProcessInsightCache(ttlSeconds: 60), publish: { _ in }, metricsFactory: TestMetrics(),
                                   logger: Logger(label: "test"))
        let run = try await runner.run(organization: organization, asOf: Self.asOf)
        let explained = try #require(run.insights.first { $0.kind == .anomalyExplained }, "\(run.insights.map(\.kind))")
        #expect(explained.evidence["anomaly_ids"] == .list(["an-c00", "an-c01"]))
        #expect(explained.narrative.hasPrefix("2 anomalies in customer_activity over the last 7 days, for 2 customers."))
    }
}
