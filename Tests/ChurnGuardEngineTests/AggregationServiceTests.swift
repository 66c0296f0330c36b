import ChurnGuardCore
import ChurnGuardEngine
import ChurnGuardStorage
import Logging
import ServiceLifecycle
import Testing

@Suite("Aggregation services")
struct AggregationServiceTests {
    static let base = Timestamp(seconds: 1_764_000_000)

    static func points(_ count: Int, metric: String = "logins", startMinute: Int = 0) -> [MetricPoint] {
        (0..<count).map { MetricPoint(metricName: metric, timestamp: base.adding(seconds: Int64((startMinute + $0) * 60)), value: Double($0 % 7)) }
    }

    @Test("runOnce folds everything pending in bounded transactions, without double counting across workers")
    func foldsAllPending() async throws {
        let store = InMemoryStore()
        let org = OrganizationID.random()
        try await store.append([PointBatch(organization: org, points: Self.points(2500))])
        let counters = PipelineCounters()
        let service = AggregationService(store: store, options: .init(batchSize: 300, maxWorkers: 4), clock: ManualClock(),
                                         counters: counters, logger: Logger(label: "test"))
        let folded = try await service.runOnce()
        #expect(folded == 2500)
        let statistics = try await store.rollupStatistics()
        #expect(statistics.pendingPoints == 0)
        let days = try await store.rollups(metricName: "logins", resolution: .day, from: nil, to: nil, limit: 10, organization: org)
        #expect(days.map(\.aggregate.count).reduce(0, +) == 2500)
        #expect(counters.snapshot.aggregationRuns == 1 && counters.snapshot.pointsRolledUp == 2500)
    }

    @Test("the service runs at every tick of its clock and stops on graceful shutdown")
    func runsOnTicks() async throws {
        let store = InMemoryStore()
        let org = OrganizationID.random()
        let clock = ManualClock()
        let counters = PipelineCounters()
        let service = AggregationService(store: store, options: .init(interval: .seconds(60), batchSize: 100), clock: clock,
                                         counters: counters, logger: Logger(label: "test"))
        let group = ServiceGroup(configuration: .init(services: [service], logger: Logger(label: "test")))
        try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask { try await group.run() }
            await clock.waitForSleepers(1)
            #expect(counters.snapshot.aggregationRuns == 1)
            try await store.append([PointBatch(organization: org, points: Self.points(250))])
            clock.advance(by: .seconds(60))
            while counters.snapshot.aggregationRuns < 2 { await Task.yield() }
            #expect(counters.snapshot.pointsRolledUp == 250)
            await group.triggerGracefulShutdown()
            try await tasks.waitForAll()
        }
        let statistics = try await store.rollupStatistics()
        #expect(statistics.pendingPoints == 0 && statistics.hourlyBuckets == 5)
    }

    @Test("retention counts back from the injected now, and keeps raw points that are not rolled up")
    func retention() async throws {
        let store = InMemoryStore()
        let org = OrganizationID.random()
        try await store.append([PointBatch(organization: org, points: Self.points(120))])
        let now = Self.base.adding(seconds: 8 * 86_400)
        let counters = PipelineCounters()
        let retention = RetentionService(store: store, options: .init(batchSize: 7), clock: ManualClock(), now: { now },
                                         counters: counters, logger: Logger(label: "test"))
        let before = try await retention.runOnce()
        #expect(before[.raw] == 0, "nothing is rolled up yet, so nothing may expire")
        _ = try await AggregationService(store: store, options: .init(), clock: ManualClock(), counters: counters,
                                         logger: Logger(label: "test")).runOnce()
        let after = try await retention.runOnce()
        #expect(after[.raw] == 120 && after[.hourly] == 0 && after[.daily] == 0)
        #expect(try await store.metrics(organization: org).isEmpty)
        let hours = try await store.rollups(metricName: "logins", resolution: .hour, from: nil, to: nil, limit: 10, organization: org)
        #expect(hours.count == 2, "rollups outlive the raw points")
        let later = Self.base.adding(seconds: 31 * 86_400)
        let hourly = RetentionService(store: store, options: .init(batchSize: 7), clock: ManualClock(), now: { later },
                                      counters: counters, logger: Logger(label: "test"))
        #expect(try await hourly.runOnce()[.hourly] == 2)
        #expect(counters.snapshot.rawDeleted == 120 && counters.snapshot.hourlyDeleted == 2)
    }

    @Test("maintenance reports the store's and the services' statistics")
    func maintenance() async throws {
        let store = InMemoryStore()
        try await store.append([PointBatch(organization: .random(), points: Self.points(10))])
        let counters = PipelineCounters()
        let service = MaintenanceService(store: store, clock: ManualClock(), counters: counters, logger: Logger(label: "test"))
        let statistics = try await service.statistics()
        #expect(statistics["pending_points"] == "10" && statistics["hourly_buckets"] == "0" && statistics["points_rolled_up"] == "0")
    }
}
