import ChurnGuardCore
import ChurnGuardStorage
import Logging
import MetricsTestKit
import Testing
@testable import ChurnGuardEngine

@Suite("Real-time engine")
struct RealtimeEngineTests {
    static let base = Timestamp(seconds: 1_764_000_000)

    static func point(_ metric: String = "churn_risk_score", minute: Int, value: Double, tags: [String: String] = [:]) -> MetricPoint {
        MetricPoint(metricName: metric, timestamp: base.adding(seconds: Int64(minute * 60)), value: value, tags: tags)
    }

    static func commit(_ sequence: UInt64 = 1, _ batches: PointBatch...) -> CommittedPoints {
        CommittedPoints(sequence: sequence, batches: batches)
    }

    static func options(points: Int = 100, series: Int = 1000) -> RealtimeOptions {
        var options = RealtimeOptions()
        options.maxPointsPerSeries = points
        options.maxSeriesPerOrganization = series
        options.cleanupIntervalSeconds = 300
        return options
    }

    @Test("a commit is folded per organization and series; tag filters select series; other organizations see nothing")
    func foldsPerSeries() throws {
        let engine = RealtimeEngine(options: Self.options(points: 3))
        let a = OrganizationID.random(), b = OrganizationID.random()
        let smb = ["segment": "smb", "customer_id": "c1"], ent = ["segment": "enterprise", "customer_id": "c2"]
        let outcome = engine.fold(Self.commit(1,
            PointBatch(organization: a, points: (0..<5).map { Self.point(minute: $0, value: Double($0), tags: smb) }
                + [Self.point(minute: 0, value: 0.9, tags: ent)]),
            PointBatch(organization: b, points: [Self.point(minute: 0, value: 42, tags: smb)])), now: 0)
        #expect(outcome == .init(folded: 7, refused: 0, newSeries: 3))
        let all = engine.snapshot(organization: a, metricName: "churn_risk_score")
        #expect(all.series.count == 2)
        let small = engine.snapshot(organization: a, metricName: "churn_risk_score", filter: ["segment": "smb"])
        let stats = try #require(small.series.first?.statistics)
        #expect(small.series.count == 1)
        #expect(stats.count == 3, "capped at max points per series")
        #expect(stats.observed == 5)
        #expect(stats.mean == 3)
        #expect(stats.lastValue == 4)
        #expect(engine.snapshot(organization: b, metricName: "churn_risk_score").series.map(\.statistics.lastValue) == [42])
        #expect(engine.snapshot(organization: a, metricName: "churn_risk_score", filter: ["segment": "none"]).series.isEmpty)
        #expect(engine.snapshot(organization: .random(), metricName: "churn_risk_score").series.isEmpty)
        #expect(engine.liveSeries == 3)
        #expect(engine.snapshot(organization: a, metricName: "churn_risk_score", limit: 1).truncated)
    }

    @Test("past its cap an organization's new series are refused and counted; its existing series and other organizations go on")
    func seriesCap() throws {
        let metrics = TestMetrics()
        let engine = RealtimeEngine(options: Self.options(series: 2), metricsFactory: metrics)
        let a = OrganizationID.random(), b = OrganizationID.random()
        let points = (0..<4).map { Self.point(minute: 0, value: 1, tags: ["customer_id": "c\($0)"]) }
        let outcome = engine.fold(Self.commit(1, PointBatch(organization: a, points: points + [points[0]]),
                                              PointBatch(organization: b, points: points)), now: 0)
        #expect(outcome.refused == 4, "two of a's and two of b's series")
        #expect(outcome.folded == 5)
        #expect(engine.liveSeries(of: a) == 2)
        #expect(engine.refusedSeries(of: a) == 2)
        #expect(try metrics.expectCounter("churnguard_realtime_series_refused_total").totalValue == 4)
        #expect(engine.snapshot(organization: a, metricName: "churn_risk_score").refusedByCap)
        let existing = engine.snapshot(organization: a, metricName: "churn_risk_score", filter: ["customer_id": "c0"])
        #expect(existing.series.first?.statistics.count == 2)
    }

    @Test("series idle for a cleanup interval are evicted, active ones stay")
    func idleEviction() throws {
        let metrics = TestMetrics()
        let engine = RealtimeEngine(options: Self.options(series: 2), metricsFactory: metrics)
        let a = OrganizationID.random()
        let second: Int64 = 1_000_000
        engine.fold(Self.commit(1, PointBatch(organization: a, points: [Self.point(minute: 0, value: 1, tags: ["k": "old"])])), now: 0)
        engine.fold(Self.commit(2, PointBatch(organization: a, points: [Self.point(minute: 0, value: 1, tags: ["k": "new"])])), now: 200 * second)
        #expect(engine.evictIdle(now: 299 * second) == 0)
        #expect(engine.evictIdle(now: 301 * second) == 1)
        #expect(engine.liveSeries == 1)
        #expect(engine.snapshot(organization: a, metricName: "churn_risk_score").series.map(\.key.tags) == [["k": "new"]])
        #expect(try metrics.expectCounter("churnguard_realtime_series_evicted_total").totalValue == 1)
        // The freed slot takes a new series again.
        let outcome = engine.fold(Self.commit(3, PointBatch(organization: a, points: [Self.point(minute: 1, value: 1, tags: ["k": "third"])])),
                                  now: 302 * second)
        #expect(outcome.newSeries == 1 && outcome.refused == 0)
    }

    @Test("a rebuild from the store gives the windows live folding gave, per organization")
    func rebuildEqualsLive() async throws {
        let store = InMemoryStore()
        let live = RealtimeEngine(options: Self.options(points: 50))
        let a = OrganizationID.random(), b = OrganizationID.random()
        var noise: UInt64 = 3
        for round in 0..<4 {
            var batches: [PointBatch] = []
            for organization in [a, b] {
                let points = (0..<40).map { index -> MetricPoint in
                    noise = noise &* 6364136223846793005 &+ 1442695040888963407
                    return Self.point(index % 2 == 0 ? "churn_risk_score" : "customer_activity", minute: round * 40 + index,
                                      value: Double(noise >> 40) / 1e4, tags: ["customer_id": "c\(index % 3)"])
                }
                batches.append(PointBatch(organization: organization, points: points))
            }
            try await store.append(batches)
            live.fold(batches, now: 0)
        }
        let rebuilt = RealtimeEngine(options: Self.options(points: 50))
        let report = await rebuilt.rebuild(from: store, organizations: [a, b, .random()], now: 0, logger: Logger(label: "test"))
        #expect(report.organizations == 2)
        #expect(report.metrics == 4)
        #expect(report.points == 320)
        #expect(rebuilt.liveSeries == live.liveSeries)
        for organization in [a, b] {
            for metric in ["churn_risk_score", "customer_activity"] {
                let expected = live.snapshot(organization: organization, metricName: metric).series
                let actual = rebuilt.snapshot(organization: organization, metricName: metric).series
                #expect(actual.map(\.key) == expected.map(\.key))
                #expect(actual.map(\.statistics.count) == expected.map(\.statistics.count))
                #expect(actual.map(\.statistics.p95) == expected.map(\.statistics.p95))
                #expect(actual.map(\.statistics.lastValue) == expected.map(\.statistics.lastValue))
            }
        }
    }

    @Test("a rebuild reads only the horizon before each metric's newest point, and isolates a failing store per organization")
    func rebuildHorizonAndFailure() async throws {
        let store = InMemoryStore()
        let a = OrganizationID.random()
        try await store.append([PointBatch(organization: a, points: [
            Self.point(minute: 0, value: 1), Self.point(minute: 100, value: 2), Self.point(minute: 119, value: 3),
        ])])
        var options = Self.options()
        options.rebuildHorizonSeconds = 3600
        let engine = RealtimeEngine(options: options)
        let report = await engine.rebuild(from: store, organizations: [a], now: 0, logger: Logger(label: "test"))
        #expect(report.points == 2)
        #expect(engine.snapshot(organization: a, metricName: "churn_risk_score").series.first?.statistics.count == 2)
        await store.simulateFailure(.unavailable("down"))
        let failed = await RealtimeEngine(options: options).rebuild(from: store, organizations: [a], now: 0, logger: Logger(label: "test"))
        #expect(failed.failedOrganizations == 1)
    }

    @Test("the service folds what the bus delivers and reports gaps in the commit sequence")
    func serviceFollowsTheBus() async throws {
        let metrics = TestMetrics()
        let bus = InProcessEventBus(metricsFactory: metrics)
        let engine = RealtimeEngine(options: Self.options())
        let a = OrganizationID.random()
        let seen = AsyncStream<UInt64>.makeStream()
        let service = RealtimeService(engine: engine, bus: bus, onCommit: [{ seen.continuation.yield($0.sequence) }],
                                      logger: Logger(label: "test"), metricsFactory: metrics)
        await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await service.run() }
            bus.publish(.pointsCommitted(Self.commit(1, PointBatch(organization: a, points: [Self.point(minute: 0, value: 1)]))))
            bus.publish(.pointsCommitted(Self.commit(4, PointBatch(organization: a, points: [Self.point(minute: 1, value: 3)]))))
            var iterator = seen.stream.makeAsyncIterator()
            #expect(await iterator.next() == 1)
            #expect(await iterator.next() == 4)
            group.cancelAll()
        }
        #expect(engine.snapshot(organization: a, metricName: "churn_risk_score").series.first?.statistics.mean == 2)
        #expect(try metrics.expectCounter("churnguard_realtime_event_gaps_total").totalValue == 2)
    }
}
