import ChurnGuardCore
@testable import ChurnGuardEngine
import Foundation
import Testing

/// The generator on the demo dataset's planted incidents, run as of each incident's end.
@Suite("Insights on the demo dataset")
struct DemoInsightsTests {
    static let dataset = DemoDataset(start: Timestamp(seconds: 1_760_000_400), days: 45)

    /// The findings as of `hour` (from the dataset's start), comparing the `periodDays` before it
    /// with the `periodDays` before those.
    static func findings(asOfHour hour: Int, periodDays: Int = 7) -> [InsightFinding] {
        var settings = InsightSettings()
        settings.periodDays = periodDays
        let asOf = dataset.start.adding(seconds: Int64(hour) * 3_600)
        var builders = Dictionary(uniqueKeysWithValues: DemoDataset.metricNames.map {
            ($0, MetricWindowBuilder(metricName: $0, asOf: asOf, periodDays: settings.periodDays))
        })
        let firstDay = max(0, (hour - 2 * settings.periodDays * 24) / 24)
        for day in firstDay...min(dataset.days - 1, hour / 24) {
            for point in dataset.points(forDay: day) { builders[point.metricName]?.add(point) }
        }
        let windows = DemoDataset.metricNames.compactMap { builders[$0]?.build(dailyMeans: []) }
        return InsightGenerator(settings: settings).findings(InsightInputs(asOf: asOf, metrics: windows, firingAlerts: []))
    }

    static func drivers(_ findings: [InsightFinding], metric: String) -> [InsightSegment] {
        findings.filter { $0.kind == .segmentContribution && $0.metricName == metric }.compactMap(\.segment)
    }

    @Test("smb_activity_drop: a segment contribution naming smb; enterprise is never named as a driver")
    func smbActivityDrop() {
        let incident = DemoDataset.incidents[0]
        let findings = Self.findings(asOfHour: incident.endHour)
        let activity = Self.drivers(findings, metric: "customer_activity")
        #expect(activity.contains(InsightSegment(dimension: "segment", value: "smb")), "\(findings.map(\.title))")
        let smb = findings.first { $0.kind == .segmentContribution && $0.segment?.value == "smb" && $0.metricName == "customer_activity" }
        if case .number(let share)? = smb?.evidence["share_of_change"] { #expect(share > 0.5) } else { Issue.record("no share") }
        #expect(!findings.contains { $0.segment?.value == "enterprise" }, "\(findings.map(\.title))")
        if ProcessInfo.processInfo.environment["INSIGHTS_PRINT"] != nil, let narrator = try? InsightNarrator(texts: BuiltInInsightTemplates.texts) {
            for finding in findings { print("NARRATIVE \(finding.kind.rawValue) \(finding.confidence): \(narrator.narrate(finding)) \(finding.evidence)") }
        }
        #expect(findings.allSatisfy { $0.confidence >= InsightSettings().confidenceThreshold })
    }

    @Test("mid_market_churn_risk_surge: churn risk driven by segment mid_market and plan growth")
    func midMarketSurge() {
        let incident = DemoDataset.incidents[1]
        // The surge lasts two days and starts 63 hours after the smb incident ends: with 7-day
        // periods the smb incident straddles the two compared weeks and smb's risk rises about as
        // much, in proportion, as mid_market's (measured: smb +16 %, mid_market +23 %; no driver
        // by the rule). Periods as long as the incident compare it with the two days before it.
        let findings = Self.findings(asOfHour: incident.endHour, periodDays: 2)
        let risk = Self.drivers(findings, metric: "churn_risk_score")
        #expect(risk.contains(InsightSegment(dimension: "segment", value: "mid_market")), "\(findings.map(\.title))")
        #expect(risk.contains(InsightSegment(dimension: "plan", value: "growth")), "\(findings.map(\.title))")
        #expect(!findings.contains { $0.segment?.value == "enterprise" }, "\(findings.map(\.title))")
    }

    @Test("support_ticket_spike: reported as affecting every segment")
    func ticketSpike() {
        let incident = DemoDataset.incidents[2]
        let findings = Self.findings(asOfHour: incident.endHour)
        let tickets = findings.filter { $0.kind == .segmentContribution && $0.metricName == "support_tickets" }
        #expect(tickets.contains { $0.segment == nil && $0.evidence["broad"] == .flag(true) }, "\(findings.map(\.title))")
        #expect(!findings.contains { $0.segment?.value == "enterprise" }, "\(findings.map(\.title))")
    }

    @Test("revenue at risk after the mid-market surge equals a recomputation from the raw points")
    func revenueAtRiskFromRawPoints() throws {
        let incident = DemoDataset.incidents[1]
        let findings = Self.findings(asOfHour: incident.endHour)
        let finding = try #require(findings.first { $0.kind == .revenueAtRisk }, "\(findings.map(\.title))")
        // Independently: each customer's mean churn risk over [asOf − 1 day, asOf), and its latest
        // MRR point before asOf within the two periods; the MRR of those above 0.7 summed.
        let asOf = Self.dataset.start.adding(seconds: Int64(incident.endHour) * 3_600)
        let dayStart = asOf.adding(seconds: -86_400), windowStart = asOf.adding(seconds: -14 * 86_400)
        var risk: [String: (sum: Double, count: Int)] = [:]
        var mrr: [String: (Timestamp, Double)] = [:]
        for day in 0..<Self.dataset.days {
            for point in Self.dataset.points(forDay: day) where point.timestamp < asOf && point.timestamp >= windowStart {
                guard let customer = point.tags["customer_id"] else { continue }
                if point.metricName == "churn_risk_score", point.timestamp >= dayStart {
                    risk[customer, default: (0, 0)].sum += point.value
                    risk[customer, default: (0, 0)].count += 1
                } else if point.metricName == "mrr", mrr[customer].map({ point.timestamp >= $0.0 }) ?? true {
                    mrr[customer] = (point.timestamp, point.value)
                }
            }
        }
        let atRisk = risk.filter { $0.value.sum / Double($0.value.count) > 0.7 }.keys
        let expected = atRisk.compactMap { mrr[$0]?.1 }.reduce(0, +)
        #expect(expected > 0 && !atRisk.isEmpty, "the surge puts customers at risk")
        guard case .number(let reported)? = finding.evidence["mrr_at_risk"] else { Issue.record("no mrr_at_risk"); return }
        #expect(abs(reported - expected) < 1e-6 * max(1, expected), "reported \(reported), recomputed \(expected)")
        #expect(finding.evidence["customers_at_risk"] == .number(Double(atRisk.count)))
        #expect(finding.revenueImpact == reported)
    }
}
