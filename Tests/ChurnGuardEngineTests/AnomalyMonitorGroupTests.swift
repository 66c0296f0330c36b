import ChurnGuardCore
import ChurnGuardEngine
import ChurnGuardStorage
import Foundation
import Logging
import Testing

/// Segment- and organization-level watching: a drop across a whole segment is one segment
/// anomaly (and one organization anomaly), linked both ways to the customer anomalies inside it.
@Suite("Anomaly monitor: segment and organization levels")
struct AnomalyMonitorGroupTests {
    static let drop = 600..<630

    /// 8 smb and 4 enterprise customers, 28 days hourly; every smb customer drops by 40 for 30 hours.
    static func seed(_ store: InMemoryStore) async throws -> OrganizationID {
        let org = try await OrganizationAdmin(store: store).createOrganization(name: "groups", tier: .default).organization.id
        var points: [MetricPoint] = []
        for customer in 0..<12 {
            let smb = customer < 8
            let spikes = smb ? Dictionary(uniqueKeysWithValues: drop.map { ($0, -40.0) }) : [:]
            points += MonitorFixture.series("customer_activity", customer: "c\(customer)", rows: 0..<672, seed: UInt64(customer + 1),
                                            spikes: spikes).map { point in
                var tagged = point
                tagged.tags["segment"] = smb ? "smb" : "enterprise"
                return tagged
            }
        }
        try await store.append([PointBatch(organization: org, points: points)])
        while try await store.rollUp(maxPoints: 100_000) > 0 {}
        return org
    }

    static func monitor(_ store: InMemoryStore, rollups: any RollupStore) -> AnomalyMonitor {
        var logger = Logger(label: "group-test")
        logger.logLevel = .critical
        return AnomalyMonitor(identity: store, points: store, anomalies: store, rollups: rollups, bus: nil,
                              options: AnomalyMonitorOptions(), now: { MonitorFixture.now }, logger: logger)
    }

    @Test("a segment-wide drop is one segment anomaly and one organization anomaly, linked to the customers' anomalies")
    func segmentDrop() async throws {
        let store = InMemoryStore()
        let org = try await Self.seed(store)
        let monitor = Self.monitor(store, rollups: store)
        let report = try await monitor.runOnce()
        #expect(report.failures == 0)
        // 12 customer series, the organization series, and the smb and enterprise segment series.
        #expect(report.series == 12 + 1 + 2)
        let all = try await MonitorFixture.all(store, org)
        let dropStart = MonitorFixture.base.adding(seconds: Int64(Self.drop.lowerBound) * 3600)
        let dropEnd = MonitorFixture.base.adding(seconds: Int64(Self.drop.upperBound) * 3600)
        func inDrop(_ anomaly: Anomaly) -> Bool { anomaly.startedAt < dropEnd && anomaly.endedAt >= dropStart }
        let segments = all.filter { $0.level == .segment }
        let smb = segments.filter { $0.tags == ["segment": "smb"] && inDrop($0) }
        #expect(smb.count == 1, "one smb segment anomaly: \(segments.map(\.explanation))")
        #expect(!segments.contains { $0.tags["segment"] == "enterprise" }, "the enterprise segment is quiet")
        let segment = try #require(smb.first)
        #expect(segment.peakValue < segment.expectedValue ?? 0 && segment.peakValue > 0, "in the unit of the hourly mean: \(segment.explanation)")
        #expect(segment.explanation.contains("hourly mean of segment=smb"))
        let customers = all.filter { $0.level == .customer && inDrop($0) }
        #expect(customers.count >= 8 && customers.allSatisfy { $0.tags["segment"] == "smb" })
        #expect(Set(segment.relatedIDs) == Set(customers.map(\.id)), "the segment lists its customers' anomalies")
        #expect(customers.allSatisfy { $0.parentID == segment.id }, "each customer anomaly names its segment's")
        let organization = all.filter { $0.level == .organization && inDrop($0) }
        #expect(organization.count == 1 && organization.first?.tags == [:])
        #expect(organization.first?.relatedIDs == [segment.id] && segment.parentID == organization.first?.id)

        let again = try await monitor.runOnce()
        #expect(again.created == 0 && again.failures == 0, "nothing is reported twice")
        let restarted = try await Self.monitor(store, rollups: store).runOnce()
        #expect(restarted.created == 0 && restarted.failures == 0, "a restarted monitor resumes from the group checkpoints")
        #expect(try await MonitorFixture.all(store, org).count == all.count)
    }

    @Test("failing rollups stop only the group series: customer anomalies are stored, the failure is counted and retried")
    func groupFailureIsolated() async throws {
        let store = InMemoryStore()
        let org = try await Self.seed(store)
        let broken = FailingRollups(base: store)
        let monitor = Self.monitor(store, rollups: broken)
        let report = try await monitor.runOnce()
        #expect(report.failures == 1, "one group pass failed")
        let stored = try await MonitorFixture.all(store, org)
        #expect(stored.contains { $0.level == .customer } && !stored.contains { $0.level != .customer })
        broken.healed = true
        let retried = try await monitor.runOnce()
        #expect(retried.failures == 0)
        #expect(try await MonitorFixture.all(store, org).contains { $0.level == .segment }, "caught up at the next run")
    }
}

/// Rollups that fail every read until healed.
final class FailingRollups: RollupStore, @unchecked Sendable {
    let base: any RollupStore
    nonisolated(unsafe) var healed = false

    init(base: any RollupStore) { self.base = base }

    private func check() throws { if !healed { throw StoreError.unavailable("rollups down") } }

    func foldNewPoints(maxPoints: Int, dimensions: RollupDimensions) async throws -> RollupRun {
        try await base.foldNewPoints(maxPoints: maxPoints, dimensions: dimensions)
    }

    func rollups(metricName: String, resolution: RollupResolution, from: Timestamp?, to: Timestamp?, limit: Int,
                 organization: OrganizationID) async throws -> [RollupBucket] {
        try check()
        return try await base.rollups(metricName: metricName, resolution: resolution, from: from, to: to, limit: limit, organization: organization)
    }

    func dimensionRollups(metricName: String, dimension: String, resolution: RollupResolution, from: Timestamp?, to: Timestamp?,
                          limit: Int, organization: OrganizationID) async throws -> [DimensionRollupBucket] {
        try check()
        return try await base.dimensionRollups(metricName: metricName, dimension: dimension, resolution: resolution, from: from, to: to,
                                               limit: limit, organization: organization)
    }

    func expire(_ tier: RetentionTier, before cutoff: Timestamp, limit: Int) async throws -> Int {
        try await base.expire(tier, before: cutoff, limit: limit)
    }

    func rollupStatistics() async throws -> RollupStatistics { try await base.rollupStatistics() }
}
