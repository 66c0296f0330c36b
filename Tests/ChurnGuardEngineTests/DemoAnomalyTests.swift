import ChurnGuardCore
import ChurnGuardEngine
import ChurnGuardStorage
import Foundation
import Logging
import Testing

/// The anomaly monitor on the demo dataset (the first 40 customers, whose profiles are those of
/// the full 500), after the rollups have folded it: at the customer level the churn-risk surge
/// and the ticket spike are found inside their windows; the smb activity drop, which no single
/// customer shows clearly (weekday activity falls to the weekend level), is found as ONE
/// segment-level anomaly of `segment=smb`; the rest stays within the bounds documented in
/// docs/ANOMALY_DETECTION.md ("Demo findings").
@Suite("Anomaly monitor on the demo dataset")
struct DemoAnomalyTests {
    static let customers = 40
    /// Most anomalies outside every incident window, per series and 45 days (documented;
    /// measured 5.7: single tickets and logins on sparse counts, and the churn-risk jumps they cause).
    static let maxElsewherePerSeries = 7.0
    /// Most anomalies on the `enterprise` customers' series outside the incidents (documented;
    /// measured 62).
    static let maxEnterpriseElsewhere = 80
    /// Most segment- and organization-level anomalies outside the incidents (documented; measured 107).
    static let maxGroupElsewhere = 130
    /// Most of them on `segment=enterprise` (documented; measured 15, mostly single support tickets of its few customers).
    static let maxEnterpriseGroupElsewhere = 20

    @Test("catching up 45 days finds the churn-risk surge and the ticket spike in their windows, and a bounded number elsewhere")
    func plantedIncidentsFound() async throws {
        let dataset = DemoDataset(start: Timestamp(seconds: 1_760_000_400), days: 45, customers: Self.customers)
        let store = InMemoryStore()
        let org = try await OrganizationAdmin(store: store).createOrganization(name: "demo", tier: .premium).organization.id
        var groups: Set<String> = []
        for day in 0..<dataset.days {
            let points = dataset.points(forDay: day)
            for point in points {
                for dimension in RollupDimensions.standard.names { if let value = point.tags[dimension] { groups.insert(dimension + "=" + value) } }
            }
            try await store.append([PointBatch(organization: org, points: points)])
        }
        while try await store.rollUp(maxPoints: 100_000) > 0 {}
        var logger = Logger(label: "demo-monitor")
        logger.logLevel = .critical
        let end = dataset.start.adding(seconds: Int64(dataset.days) * 86_400)
        let monitor = AnomalyMonitor(identity: store, points: store, anomalies: store, rollups: store, bus: nil,
                                     options: AnomalyMonitorOptions(), now: { end }, logger: logger)
        let report = try await monitor.runOnce()
        // Every customer series, and per metric the organization and each segment and plan.
        #expect(report.failures == 0 && report.series == (Self.customers + 1 + groups.count) * DemoDataset.metricNames.count)
        let everything = try await MonitorFixture.all(store, org)
        let anomalies = everything.filter { $0.level == .customer }
        let wider = everything.filter { $0.level != .customer }
        func hour(_ time: Timestamp) -> Int { Int((time.microseconds - dataset.start.microseconds) / 3_600_000_000) }
        func inside(_ anomaly: Anomaly, _ incident: DemoDataset.Incident) -> Bool {
            incident.contains(hour(anomaly.startedAt))
        }
        let incidents = Dictionary(uniqueKeysWithValues: DemoDataset.incidents.map { ($0.name, $0) })
        let drop = try #require(incidents["smb_activity_drop"])
        let surge = try #require(incidents["mid_market_churn_risk_surge"])
        let spike = try #require(incidents["support_ticket_spike"])
        let dropFound = anomalies.filter { inside($0, drop) && $0.tags["segment"] == "smb" && ["customer_activity", "logins"].contains($0.metricName) }
        let surgeFound = anomalies.filter { inside($0, surge) && $0.tags["segment"] == "mid_market" && $0.tags["plan"] == "growth"
            && $0.metricName == "churn_risk_score" }
        let spikeFound = anomalies.filter { inside($0, spike) && $0.metricName == "support_tickets" }
        #expect(!surgeFound.isEmpty, "mid_market_churn_risk_surge")
        // The drop, at the segment level: one anomaly per metric it hit, linked to the customer
        // anomalies inside it (when there are any) and they to it.
        let segmentDrop = wider.filter { $0.level == .segment && $0.tags == ["segment": "smb"] && inside($0, drop)
            && ["customer_activity", "logins"].contains($0.metricName) }
        #expect(!segmentDrop.isEmpty, "smb_activity_drop at the segment level")
        #expect(Set(segmentDrop.map(\.metricName)).count == segmentDrop.count, "one segment anomaly per metric: \(segmentDrop.map(\.explanation))")
        for parent in segmentDrop {
            for child in everything where parent.relatedIDs.contains(child.id) {
                #expect(child.parentID == parent.id && child.level == .customer && child.tags["segment"] == "smb")
            }
        }
        let widerElsewhere = wider.filter { anomaly in !DemoDataset.incidents.contains { inside(anomaly, $0) } }
        let enterpriseGroup = widerElsewhere.filter { $0.tags["segment"] == "enterprise" }
        print("demo findings (segment/organization level): \(wider.count) anomalies; smb drop \(segmentDrop.count) (\(segmentDrop.map(\.metricName))); elsewhere \(widerElsewhere.count), enterprise elsewhere \(enterpriseGroup.count)")
        for anomaly in wider { print("demo findings: \(anomaly.level.rawValue) \(anomaly.explanation) related \(anomaly.relatedIDs.count)") }
        #expect(enterpriseGroup.count <= Self.maxEnterpriseGroupElsewhere, "\(enterpriseGroup.count) enterprise group anomalies outside the incidents")
        #expect(widerElsewhere.count <= Self.maxGroupElsewhere, "\(widerElsewhere.count) group anomalies outside the incidents")
        #expect(!spikeFound.isEmpty, "support_ticket_spike")
        let elsewhere = anomalies.filter { anomaly in !DemoDataset.incidents.contains { inside(anomaly, $0) } }
        let series = Double(Self.customers * DemoDataset.metricNames.count)
        let enterprise = elsewhere.filter { $0.tags["segment"] == "enterprise" }
        // The figures the documentation quotes.
        print("demo findings: \(anomalies.count) anomalies; smb drop \(dropFound.count), surge \(surgeFound.count), tickets \(spikeFound.count); elsewhere \(elsewhere.count) (\(Double(elsewhere.count) / series) per series), enterprise elsewhere \(enterprise.count)")
        for metric in DemoDataset.metricNames {
            let own = elsewhere.filter { $0.metricName == metric }
            print("demo findings: \(metric): elsewhere \(own.count), methods \(Dictionary(grouping: own.flatMap { $0.methods.filter(\.vote).map(\.method) }, by: { $0 }).mapValues(\.count))")
        }
        #expect(Double(elsewhere.count) <= Self.maxElsewherePerSeries * series, "\(elsewhere.count) anomalies outside the incidents")
        #expect(enterprise.count <= Self.maxEnterpriseElsewhere, "\(enterprise.count) enterprise anomalies outside the ticket spike")
    }
}
