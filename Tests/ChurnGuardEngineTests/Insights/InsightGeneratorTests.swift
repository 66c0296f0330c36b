import ChurnGuardCore
@testable import ChurnGuardEngine
import Foundation
import Testing

/// The generator on constructed inputs whose answers are computed by hand.
@Suite("Insight generator")
struct InsightGeneratorTests {
    static let asOf = Timestamp(seconds: 1_764_000_000)

    /// A series of `customer` in `segment`/`plan` with the given period totals (one point a day).
    static func series(_ customer: String, segment: String, plan: String, baseline: Double, current: Double,
                       lastDay: Double? = nil, baselineLastDay: Double? = nil, latest: Double? = nil) -> SeriesPeriods {
        SeriesPeriods(tags: ["customer_id": customer, "segment": segment, "plan": plan], baselineSum: baseline, baselineCount: 7,
                      currentSum: current, currentCount: 7, lastDayMean: lastDay, baselineLastDayMean: baselineLastDay,
                      latest: latest)
    }

    /// 30 customers: 10 in segment a (each 70 → 35: halved), 10 in b and 10 in c (each 70 → 70, ±1).
    static func activity() -> MetricWindow {
        var series: [SeriesPeriods] = []
        for i in 0..<30 {
            let segment = ["a", "b", "c"][i / 10]
            let wobble = Double(i % 3) - 1          // −1, 0, +1: noise that sums to 0 per segment
            let current = segment == "a" ? 35 + wobble : 70 + wobble
            series.append(Self.series(String(format: "c%02d", i), segment: segment, plan: i % 2 == 0 ? "starter" : "growth",
                                 baseline: 70, current: current))
        }
        return MetricWindow(metricName: "customer_activity", dailyMeans: [], baselineDays: [], currentDays: [], series: series)
    }

    @Test("segment contribution names the segment holding the change, with hand-computed shares")
    func segmentDriver() throws {
        var settings = InsightSettings()
        settings.confidenceThreshold = 0
        let generator = InsightGenerator(settings: settings)
        let findings = generator.segmentContributions(Self.activity(), revenue: [:])
        let driver = try #require(findings.first { $0.segment?.dimension == "segment" })
        #expect(driver.segment?.value == "a")
        // Segment a: baseline 700, current 10·35 + (−1 + 0 + 1 + …) = 350 + wobble sum. Its wobbles over
        // i = 0…9 are −1, 0, 1, −1, 0, 1, −1, 0, 1, −1 → −1; b and c: i = 10…29 sum to 0 + 1 = 1 in total.
        // Change of a: 349 − 700 = −351; total change: −351 + 1 = −350 → share 351/350.
        guard case .number(let share)? = driver.evidence["share_of_change"] else { Issue.record("no share"); return }
        #expect(abs(share - 351.0 / 350.0) < 1e-12)
        guard case .number(let size)? = driver.evidence["share_of_baseline"] else { Issue.record("no size"); return }
        #expect(abs(size - 1.0 / 3.0) < 1e-12)
        #expect(driver.severity == .critical)            // a fell by ~50 %
        #expect(driver.variables["share_percent"] == "100 %")
        #expect(findings.allSatisfy { $0.segment?.value != "b" && $0.segment?.value != "c" })
        // The plan split is proportional (half of a on each plan): no plan drives it.
        #expect(!findings.contains { $0.segment?.dimension == "plan" })
    }

    @Test("a change spread over every segment is one broad finding without a segment")
    func broadChange() throws {
        var settings = InsightSettings()
        settings.confidenceThreshold = 0
        var series: [SeriesPeriods] = []
        for i in 0..<30 {
            let segment = ["a", "b", "c"][i / 10]
            series.append(Self.series("c\(i)", segment: segment, plan: "p", baseline: 10, current: 30 + Double(i % 3)))
        }
        let window = MetricWindow(metricName: "support_tickets", dailyMeans: [], baselineDays: [], currentDays: [], series: series)
        let findings = InsightGenerator(settings: settings).segmentContributions(window, revenue: [:])
        #expect(findings.count == 1)
        let broad = try #require(findings.first)
        #expect(broad.segment == nil && broad.evidence["broad"] == .flag(true))
        #expect(broad.title == "The rise in support_tickets affects every segment")
        // The narrative takes the template's broad branch (it once rendered "comes from , which holds of it").
        let text = try InsightNarrator(texts: BuiltInInsightTemplates.texts).narrate(broad)
        #expect(text.hasPrefix("The rise of "), "\(text)")
        #expect(text.contains("affects every segment alike (by segment") && !text.contains("comes from"), "\(text)")
    }

    @Test("revenue at risk sums the MRR of customers above the risk threshold, now and a period ago")
    func revenueAtRisk() throws {
        let risk = MetricWindow(metricName: "churn_risk_score", dailyMeans: [], baselineDays: [], currentDays: [], series: [
            Self.series("c1", segment: "a", plan: "p", baseline: 0, current: 0, lastDay: 0.9, baselineLastDay: 0.5),
            Self.series("c2", segment: "a", plan: "p", baseline: 0, current: 0, lastDay: 0.75, baselineLastDay: 0.8),
            Self.series("c3", segment: "b", plan: "p", baseline: 0, current: 0, lastDay: 0.2, baselineLastDay: 0.9),
            Self.series("c4", segment: "b", plan: "p", baseline: 0, current: 0, lastDay: 0.95, baselineLastDay: nil),
        ])
        let mrr = MetricWindow(metricName: "mrr", dailyMeans: [], baselineDays: [], currentDays: [], series: [
            Self.series("c1", segment: "a", plan: "p", baseline: 0, current: 0, latest: 1_000),
            Self.series("c2", segment: "a", plan: "p", baseline: 0, current: 0, latest: 250),
            Self.series("c3", segment: "b", plan: "p", baseline: 0, current: 0, latest: 4_000),
            Self.series("c4", segment: "b", plan: "p", baseline: 0, current: 0, latest: 50),
        ])
        let inputs = InsightInputs(asOf: Self.asOf, metrics: [risk, mrr], firingAlerts: [])
        let generator = InsightGenerator(settings: InsightSettings())
        let finding = try #require(generator.revenueAtRisk(inputs, revenue: generator.customerRevenue(inputs)))
        #expect(finding.evidence["mrr_at_risk"] == .number(1_300))          // c1 + c2 + c4
        #expect(finding.evidence["previous_mrr_at_risk"] == .number(4_250)) // c2 + c3
        #expect(finding.evidence["change"] == .number(-2_950))
        #expect(finding.evidence["newly_at_risk"] == .list(["c1", "c4"]))
        #expect(finding.revenueImpact == 1_300)
        #expect(finding.severity == .critical)                              // 1,300 of 5,300 = 24.5 %
        #expect(finding.variables["mrr_at_risk"] == "$1,300")
    }

    @Test("a firing alert becomes a threshold breach of its metric and customer")
    func thresholdBreach() throws {
        let fired = Self.asOf.adding(seconds: -7_200)
        let alert = Alert(id: "a1", organization: .random(), ruleID: "r", metricName: "churn_risk_score",
                          tags: ["customer_id": "c9"], severity: .high, condition: .above, threshold: 0.8, state: .firing, value: 0.9,
                          startedAt: fired, firedAt: fired, updatedAt: fired)
        let findings = InsightGenerator(settings: InsightSettings()).thresholdBreaches([alert], asOf: Self.asOf)
        let breach = try #require(findings.first)
        #expect(breach.segment == InsightSegment(dimension: "customer_id", value: "c9"))
        #expect(breach.severity == .high)
        guard case .number(let excess)? = breach.evidence["excess"] else { Issue.record("no excess"); return }
        #expect(abs(excess - 0.125) < 1e-12)
        #expect(breach.variables["hours"] == "2")
    }

    @Test("findings below the confidence threshold are dropped and the rest cut to the maximum, best first")
    func thresholdAndLimit() {
        let inputs = InsightInputs(asOf: Self.asOf, metrics: [Self.activity()], firingAlerts: [])
        var settings = InsightSettings()
        settings.confidenceThreshold = 0
        let all = InsightGenerator(settings: settings).findings(inputs)
        #expect(!all.isEmpty)
        settings.confidenceThreshold = 1.01
        #expect(InsightGenerator(settings: settings).findings(inputs).isEmpty)
        settings.confidenceThreshold = 0
        settings.maxPerOrganization = 1
        let one = InsightGenerator(settings: settings).findings(inputs)
        #expect(one.count == 1 && one.first == all.first)
    }

    @Test("the window builder sums each series per period and averages each day")
    func windowBuilder() {
        var builder = MetricWindowBuilder(metricName: "m", asOf: Self.asOf, periodDays: 2)
        let day: Int64 = 86_400
        func point(_ secondsBefore: Int64, _ value: Double, _ customer: String) -> MetricPoint {
            MetricPoint(metricName: "m", timestamp: Self.asOf.adding(seconds: -secondsBefore), value: value, tags: ["customer_id": customer])
        }
        // Days from the start: 0 = [asOf − 4d, asOf − 3d), …, 3 = the last day.
        for p in [point(4 * day - 1, 1, "x"), point(3 * day - 1, 2, "x"), point(2 * day - 1, 3, "x"), point(1, 4, "x"),
                  point(1, 10, "y"), point(5 * day, 99, "x"), point(0, 99, "x")] {
            builder.add(p)
        }
        let window = builder.build(dailyMeans: [])
        #expect(window.baselineDays == [1, 2])
        #expect(window.currentDays == [3, 7])
        let x = window.series.first { $0.tags["customer_id"] == "x" }
        #expect(x?.baselineSum == 3 && x?.currentSum == 7 && x?.lastDayMean == 4 && x?.baselineLastDayMean == 2 && x?.latest == 4)
        let y = window.series.first { $0.tags["customer_id"] == "y" }
        #expect(y?.baselineSum == 0 && y?.currentSum == 10 && y?.baselineLastDayMean == nil)
    }
}
