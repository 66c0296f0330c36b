import ChurnGuardCore
@testable import ChurnGuardEngine
import ChurnGuardStorage
import Foundation
import Logging
import MetricsTestKit
import Synchronization
import Testing

/// Generation runs over the in-memory store: storing, updating by identity, publishing and
/// counting only new insights, one run at a time per organization, isolation in the service.
@Suite("Insight runner")
struct InsightRunnerTests {
    static let asOf = Timestamp(seconds: 1_764_000_000)

    /// 30 customers in segments a, b, c with one `customer_activity` point a day for 14 days;
    /// segment a halves in the current week.
    static func seed(_ store: InMemoryStore, _ organization: OrganizationID) async throws {
        var points: [MetricPoint] = []
        for customer in 0..<30 {
            let segment = ["a", "b", "c"][customer / 10]
            for day in 0..<14 {
                let value = (segment == "a" && day < 7 ? 35 : 70) + Double((customer + day) % 3) - 1
                points.append(MetricPoint(metricName: "customer_activity", timestamp: asOf.adding(seconds: -Int64(day) * 86_400 - 60),
                                          value: value, tags: ["customer_id": "c\(customer)", "segment": segment]))
            }
        }
        _ = try await store.append([PointBatch(organization: organization, points: points)])
    }

    static func runner(_ backends: Backends, metrics: TestMetrics, published: Published) throws -> InsightRunner {
        InsightRunner(backends: backends, settings: InsightSettings(), narrator: try InsightNarrator(texts: BuiltInInsightTemplates.texts),
                      cache: InProcessInsightCache(ttlSeconds: 60), publish: { insights in published.items.withLock { $0 += insights } },
                      metricsFactory: metrics, logger: Logger(label: "test"))
    }

    @Test("a rerun updates by identity; only new insights are published and counted by severity")
    func rerun() async throws {
        let store = InMemoryStore()
        let organization = OrganizationID.random()
        try await Self.seed(store, organization)
        let metrics = TestMetrics()
        let published = Published()
        let runner = try Self.runner(.single(store, name: "memory"), metrics: metrics, published: published)
        let first = try await runner.run(organization: organization, asOf: Self.asOf)
        #expect(!first.insights.isEmpty && first.created.count == first.insights.count)
        #expect(first.insights.contains { $0.kind == .segmentContribution && $0.segment?.value == "a" })
        #expect(published.items.withLock { $0.map(\.id) } == first.created.map(\.id))
        for severity in Set(first.created.map(\.severity)) {
            let counted = try metrics.expectCounter(MetricNames.insightsGenerated,
                                                    [("organization_id", organization.description), ("severity", severity.rawValue)])
            #expect(counted.totalValue == first.created.filter { $0.severity == severity }.count)
        }

        let second = try await runner.run(organization: organization, asOf: Self.asOf.adding(seconds: 900))
        #expect(second.created.isEmpty)
        #expect(Set(second.insights.map(\.id)) == Set(first.insights.map(\.id)))
        #expect(second.insights.allSatisfy { $0.firstSeen == Self.asOf && $0.lastSeen == Self.asOf.adding(seconds: 900) })
        #expect(published.items.withLock { $0.count } == first.created.count)
        let stored = try await store.insights(InsightQuery(), organization: organization, at: Self.asOf)
        #expect(stored.count == first.insights.count)
    }

    @Test("a second run of the same organization while one is in progress is refused; another organization runs")
    func oneRunAtATime() async throws {
        let store = InMemoryStore()
        let (a, b) = (OrganizationID.random(), OrganizationID.random())
        let gate = GatedPoints(base: store, gated: a)
        let backends = Backends(name: "memory", points: gate, rollups: store, identity: store, alerts: store, notifications: store, anomalies: store, anomalyLeases: store, insights: store, recommendations: store,
                                lifecycle: store)
        let runner = try Self.runner(backends, metrics: TestMetrics(), published: Published())
        async let held = runner.run(organization: a, asOf: Self.asOf)
        await gate.waitUntilEntered()
        await #expect(throws: InsightRunner.RunError.busy) { _ = try await runner.run(organization: a, asOf: Self.asOf) }
        _ = try await runner.run(organization: b, asOf: Self.asOf)
        gate.open()
        _ = try await held
        _ = try await runner.run(organization: a, asOf: Self.asOf)   // free again
    }

    @Test("the service isolates organizations: one failing does not stop the others")
    func serviceIsolation() async throws {
        let store = InMemoryStore()
        let good = Organization(id: .random(), name: "good", tier: .default, createdAt: Date())
        let bad = Organization(id: .random(), name: "bad", tier: .default, createdAt: Date())
        try await store.createOrganization(bad)
        try await store.createOrganization(good)
        try await Self.seed(store, good.id)
        let failing = GatedPoints(base: store, gated: nil, failing: bad.id)
        let backends = Backends(name: "memory", points: failing, rollups: store, identity: store, alerts: store, notifications: store, anomalies: store, anomalyLeases: store, insights: store, recommendations: store,
                                lifecycle: store)
        let runner = try Self.runner(backends, metrics: TestMetrics(), published: Published())
        let service = InsightService(runner: runner, organizations: store, interval: .seconds(60), now: { Self.asOf },
                                     logger: Logger(label: "test"))
        let created = try await service.runOnce()
        #expect(created > 0)
        #expect(try await store.insights(InsightQuery(), organization: good.id, at: Self.asOf).count == created)
    }
}

/// What a runner published.
final class Published: Sendable {
    let items = Mutex<[Insight]>([])
}

/// Points whose catalog read waits for ``open()`` for one organization (to hold a run in
/// progress), or fails for another.
final class GatedPoints: MetricStore {
    let base: InMemoryStore
    let gated: OrganizationID?
    let failing: OrganizationID?
    private let state = Mutex<(entered: Bool, open: Bool)>((false, false))

    init(base: InMemoryStore, gated: OrganizationID?, failing: OrganizationID? = nil) {
        self.base = base
        self.gated = gated
        self.failing = failing
    }

    func open() { state.withLock { $0.open = true } }

    func waitUntilEntered() async {
        while !state.withLock({ $0.entered }) { try? await Task.sleep(for: .milliseconds(5)) }
    }

    func append(_ batches: [PointBatch]) async throws -> [AppendOutcome] { try await base.append(batches) }
    func expireIdempotencyKeys(before cutoff: Timestamp) async throws -> Int { try await base.expireIdempotencyKeys(before: cutoff) }
    func points(_ query: PointQuery, organization: OrganizationID) async throws -> PointPage {
        try await base.points(query, organization: organization)
    }

    func metrics(organization: OrganizationID) async throws -> [MetricSummary] {
        if organization == failing { throw StoreError.unavailable("simulated outage") }
        if organization == gated {
            state.withLock { $0.entered = true }
            while !state.withLock({ $0.open }) { try await Task.sleep(for: .milliseconds(5)) }
        }
        return try await base.metrics(organization: organization)
    }
}
