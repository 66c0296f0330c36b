import ChurnGuardCore
import ChurnGuardEngine
import ChurnGuardStorage
import Foundation
import Testing

/// The low-volume gate: a series is scored only once it holds the minimum history; before that
/// its points are history only and are never scored late.
@Suite("Anomaly monitor: minimum history")
struct AnomalyMonitorGateTests {
    static func seed(_ store: InMemoryStore, rows: Range<Int>, spikes: [Int: Double]) async throws -> OrganizationID {
        let org = try await OrganizationAdmin(store: store).createOrganization(name: "gate-\(rows.lowerBound)", tier: .default).organization.id
        try await append(store, org, rows: rows, spikes: spikes)
        return org
    }

    static func append(_ store: InMemoryStore, _ org: OrganizationID, rows: Range<Int>, spikes: [Int: Double]) async throws {
        let all = MonitorFixture.series("customer_activity", customer: "c1", rows: 0..<rows.upperBound, seed: 7, spikes: spikes)
        try await store.append([PointBatch(organization: org, points: Array(all[rows]))])
    }

    static func hour(_ row: Int) -> Timestamp { MonitorFixture.base.adding(seconds: Int64(row) * 3600) }

    @Test("a series with fewer points than the minimum history is not scored; its points stay history once it has enough")
    func gated() async throws {
        let spikes = [25: 40.0, 90: 40.0]
        let store = InMemoryStore()
        let org = try await Self.seed(store, rows: 0..<30, spikes: spikes)
        let monitor = MonitorFixture.monitor(store)
        #expect(AnomalyMonitorOptions().minimumHistoryRows == 48)
        let first = try await monitor.runOnce()
        #expect(first.gated == 1 && first.series == 1 && first.created == 0)
        #expect(try await MonitorFixture.all(store, org).isEmpty, "30 points: the spike at row 25 is not judged")
        let states = try await store.anomalySeriesStates(metricName: "customer_activity", organization: org)
        #expect(states.first?.checkpoint?.timestamp == Self.hour(29), "the checkpoint advances over the gated points")

        try await Self.append(store, org, rows: 30..<100, spikes: spikes)
        let second = try await monitor.runOnce()
        #expect(second.gated == 0 && second.failures == 0)
        let found = try await MonitorFixture.all(store, org)
        #expect(found.contains { $0.startedAt == Self.hour(90) }, "with enough history the later spike is found")
        #expect(!found.contains { $0.startedAt == Self.hour(25) }, "the gated spike is never scored late")
    }

    @Test("with a lower minimum history the same short series is scored")
    func lowerGate() async throws {
        let store = InMemoryStore()
        let org = try await Self.seed(store, rows: 0..<30, spikes: [25: 40.0])
        var options = AnomalyMonitorOptions()
        options.settings.minimumHistory = 12
        let report = try await MonitorFixture.monitor(store, options: options).runOnce()
        #expect(report.gated == 0)
        #expect(try await MonitorFixture.all(store, org).contains { $0.startedAt == Self.hour(25) })
    }
}
