import ChurnGuardCore
@testable import ChurnGuardEngine
import Foundation
import Testing

/// The generator's rules over daily means — period change, trend change and leading
/// indicator — on constructed series whose answers are computed by hand.
@Suite("Insight rules over daily means")
struct InsightTimeRulesTests {
    static func window(_ metric: String, daily: [Double] = [], baseline: [Double] = [], current: [Double] = []) -> MetricWindow {
        MetricWindow(metricName: metric, dailyMeans: daily, baselineDays: baseline, currentDays: current, series: [])
    }

    static var generator: InsightGenerator {
        var settings = InsightSettings()
        settings.confidenceThreshold = 0
        return InsightGenerator(settings: settings)
    }

    /// Numbers of a test read back from the evidence.
    static func number(_ finding: InsightFinding, _ key: String) -> Double? {
        if case .number(let value)? = finding.evidence[key] { return value }
        return nil
    }

    @Test("period change: a week at 70 ± 1 then a week at 35 ± 1 is a 50 % week-over-week fall, Welch's t by hand")
    func weekOverWeek() throws {
        let baseline: [Double] = [69, 70, 71, 70, 69, 70, 71], current: [Double] = [34, 35, 36, 35, 34, 35, 36]
        let finding = try #require(Self.generator.periodChange(Self.window("logins", baseline: baseline, current: current)))
        #expect(finding.evidence["period"] == .text("week"))
        #expect(Self.number(finding, "previous_mean") == 70 && Self.number(finding, "current_mean") == 35)
        #expect(Self.number(finding, "relative_change") == -0.5)
        // Both sample variances are 4/6; t = (35 − 70) / √(2 · (4/6) / 7).
        let t = -35 / (2 * (4.0 / 6) / 7).squareRoot()
        #expect(abs((Self.number(finding, "t_statistic") ?? 0) - t) < 1e-9)
        #expect(finding.severity == .critical && finding.variables["direction"] == "fell")
        #expect(finding.title == "logins fell 50 % week over week")
    }

    @Test("period change: noise within its own spread reports nothing")
    func noChange() {
        let baseline: [Double] = [69, 71, 70, 72, 68, 70, 71], current: [Double] = [70, 69, 71, 70, 72, 68, 70]
        #expect(Self.generator.periodChange(Self.window("logins", baseline: baseline, current: current)) == nil)
    }

    @Test("trend change: flat then falling by 2 a day; the slopes match ordinary least squares computed by hand")
    func trendFalls() throws {
        // 14 flat days at 100 then 14 falling by 2 a day, each with ±0.5 alternating noise.
        // The noise's own slope over x = 0…13 is Σ(x − x̄)·n / Σ(x − x̄)² = (7 · −0.5) / 227.5 = −1/65.
        let noise = (0..<14).map { $0 % 2 == 0 ? 0.5 : -0.5 }
        let flat = noise.map { 100 + $0 }
        let falling: [Double] = (0..<14).map { day in 100 - 2 * Double(day) + noise[day] }
        let finding = try #require(Self.generator.trendChange(Self.window("customer_activity", daily: flat + falling)))
        #expect(abs((Self.number(finding, "baseline_slope") ?? 0) - (-1.0 / 65)) < 1e-9)
        #expect(abs((Self.number(finding, "recent_slope") ?? 0) - (-2 - 1.0 / 65)) < 1e-9)
        #expect(finding.variables["direction"] == "falling" && finding.title == "customer_activity is now falling")
        // Relative change: slope change −2 over 14 days against the baseline level 100 → −28 %: high.
        #expect(finding.severity == .high)
        #expect((Self.number(finding, "p_value") ?? 1) < 0.001)
    }

    @Test("trend change needs four periods of daily means and a slope change beyond the intervals")
    func trendNeedsEvidence() {
        let short = (0..<20).map { 100 - Double($0) }
        #expect(Self.generator.trendChange(Self.window("m", daily: short)) == nil, "20 days < 28")
        let steady: [Double] = (0..<28).map { day in
            let wobble: Double = day % 2 == 0 ? 0.5 : -0.5
            return 100 - Double(day) + wobble
        }
        #expect(Self.generator.trendChange(Self.window("m", daily: steady)) == nil, "the same slope throughout")
    }

    @Test("leading indicator: churn risk follows activity's daily changes three days later, inversely")
    func leadingIndicator() throws {
        // Activity: a seeded random walk over 42 days. Risk's daily change is −0.002 × activity's
        // change three days earlier, plus a small independent wobble.
        var state: UInt64 = 42
        func uniform() -> Double {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Double(state >> 11) / Double(1 << 53)
        }
        var activity: [Double] = [60]
        for _ in 1..<42 { activity.append(activity.last! + (uniform() - 0.5) * 10) }
        var risk: [Double] = [0.4, 0.4, 0.4, 0.4]
        for day in 4..<42 {
            risk.append(risk[day - 1] - 0.002 * (activity[day - 3] - activity[day - 4]) + (uniform() - 0.5) * 0.0005)
        }
        let inputs = InsightInputs(asOf: Timestamp(seconds: 1_764_000_000),
                                   metrics: [Self.window("customer_activity", daily: activity), Self.window("churn_risk_score", daily: risk)],
                                   firingAlerts: [])
        let findings = Self.generator.leadingIndicators(inputs)
        let finding = try #require(findings.first { $0.metricName == "customer_activity" }, "\(findings.map(\.title))")
        #expect(Self.number(finding, "lag_days") == 3)
        #expect((Self.number(finding, "correlation") ?? 0) < -0.9)
        #expect(finding.variables["relation"] == "falls" && finding.severity == .high)
        #expect(finding.evidence["following_metric"] == .text("churn_risk_score"))
    }

    @Test("leading indicator: unrelated series report nothing")
    func unrelated() {
        var state: UInt64 = 7
        func uniform() -> Double {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Double(state >> 11) / Double(1 << 53)
        }
        let activity = (0..<42).map { _ in 60 + uniform() * 10 }, risk = (0..<42).map { _ in 0.4 + uniform() * 0.1 }
        let inputs = InsightInputs(asOf: Timestamp(seconds: 1_764_000_000),
                                   metrics: [Self.window("customer_activity", daily: activity), Self.window("churn_risk_score", daily: risk)],
                                   firingAlerts: [])
        #expect(Self.generator.leadingIndicators(inputs).isEmpty)
    }
}
