import ChurnGuardCore
import ChurnGuardEngine
import ChurnGuardStorage
import Logging
import ServiceLifecycle
import Testing

/// A store that takes a while to commit, like an fsync, and counts its commits.
actor SlowCountingStore: MetricStore {
    let inner = InMemoryStore()
    private(set) var commits = 0
    private(set) var largestCommit = 0
    let commitDelay: Duration
    let poisonMetric: String?

    init(commitDelay: Duration = .milliseconds(5), poisonMetric: String? = nil) {
        self.commitDelay = commitDelay
        self.poisonMetric = poisonMetric
    }

    func append(_ batches: [PointBatch]) async throws {
        try await Task.sleep(for: commitDelay)
        if let poisonMetric, batches.contains(where: { $0.points.contains { $0.metricName == poisonMetric } }) {
            throw StoreError.unavailable("poisoned batch")
        }
        commits += 1
        largestCommit = max(largestCommit, batches.count)
        try await inner.append(batches)
    }

    func points(_ query: PointQuery, organization: OrganizationID) async throws -> PointPage {
        try await inner.points(query, organization: organization)
    }

    func metrics(organization: OrganizationID) async throws -> [MetricSummary] {
        try await inner.metrics(organization: organization)
    }
}

/// Runs `pipeline` under a service group for the duration of `body`, then shuts it down.
func withRunningPipeline(_ pipeline: IngestPipeline, _ body: () async throws -> Void) async throws {
    let group = ServiceGroup(configuration: .init(services: [pipeline], logger: Logger(label: "test")))
    try await withThrowingTaskGroup(of: Void.self) { tasks in
        tasks.addTask { try await group.run() }
        do {
            try await body()
        } catch {
            await group.triggerGracefulShutdown()
            throw error
        }
        await group.triggerGracefulShutdown()
        try await tasks.waitForAll()
    }
}

func onePoint(_ index: Int, metric: String = "logins") -> [MetricPoint] {
    [MetricPoint(metricName: metric, timestamp: Timestamp(seconds: 1_764_000_000 + Int64(index)), value: Double(index))]
}

@Suite("Ingest pipeline")
struct IngestPipelineTests {
    @Test("concurrent single-point requests are committed in groups, and every one is stored")
    func groupCommit() async throws {
        let store = SlowCountingStore()
        let pipeline = IngestPipeline(store: store)
        let org = OrganizationID.random()
        try await withRunningPipeline(pipeline) {
            try await withThrowingTaskGroup(of: Void.self) { requests in
                for index in 0..<200 {
                    requests.addTask { try await pipeline.submit(PointBatch(organization: org, points: onePoint(index))) }
                }
                try await requests.waitForAll()
            }
        }
        let commits = await store.commits
        let stored = try await store.metrics(organization: org).first?.points
        #expect(stored == 200)
        #expect(commits < 100, "200 requests took \(commits) commits")
        #expect(await store.largestCommit > 1)
        #expect(pipeline.statistics.points == 200)
    }

    @Test("a failing batch fails only its own request")
    func failureIsolation() async throws {
        let store = SlowCountingStore(poisonMetric: "poison")
        let pipeline = IngestPipeline(store: store)
        let org = OrganizationID.random()
        try await withRunningPipeline(pipeline) {
            try await withThrowingTaskGroup(of: Bool.self) { requests in
                for index in 0..<30 {
                    requests.addTask {
                        do {
                            try await pipeline.submit(PointBatch(organization: org, points: onePoint(index, metric: index == 7 ? "poison" : "logins")))
                            return true
                        } catch {
                            return false
                        }
                    }
                }
                var outcomes: [Bool] = []
                for try await outcome in requests { outcomes.append(outcome) }
                #expect(outcomes.filter { !$0 }.count == 1)
            }
        }
        #expect(try await store.metrics(organization: org).first?.points == 29)
    }

    /// A store that is down fails every commit, each after its timeout; a failed group used to
    /// be retried one batch after another, so the last of N queued callers waited N timeouts
    /// (with PostgreSQL's default 60 s timeout, minutes) for its 503.
    @Test("with the store down, every queued request fails after about two attempts, not one attempt per request")
    func outageFailsQueuedRequestsTogether() async throws {
        let attempt = Duration.milliseconds(100)
        let store = SlowCountingStore(commitDelay: attempt, poisonMetric: "logins")  // every append fails
        let pipeline = IngestPipeline(store: store)
        let org = OrganizationID.random()
        let requests = 40
        try await withRunningPipeline(pipeline) {
            let latencies = await withTaskGroup(of: Duration?.self) { group in
                for index in 0..<requests {
                    group.addTask {
                        let started = ContinuousClock.now
                        do {
                            try await pipeline.submit(PointBatch(organization: org, points: onePoint(index)))
                            return nil
                        } catch {
                            return ContinuousClock.now - started
                        }
                    }
                }
                var all: [Duration?] = []
                for await latency in group { all.append(latency) }
                return all
            }
            let failed = latencies.compactMap { $0 }
            #expect(failed.count == requests, "every request fails while the store is down")
            // Serial retries take about `requests` attempts (4 s here); together, a few attempts.
            // The bound is loose for a starved two-core runner, and far below the serial time.
            let slowest = failed.max() ?? .zero
            #expect(slowest < attempt * (requests / 2), "slowest failure after \(slowest)")
        }
    }

    @Test("graceful shutdown commits what is queued and then refuses new batches")
    func shutdownDrains() async throws {
        let store = SlowCountingStore(commitDelay: .milliseconds(20))
        let pipeline = IngestPipeline(store: store)
        let org = OrganizationID.random()
        let group = ServiceGroup(configuration: .init(services: [pipeline], logger: Logger(label: "test")))
        try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask { try await group.run() }
            var submitted: [Task<Void, any Error>] = []
            for index in 0..<50 {
                submitted.append(Task { try await pipeline.submit(PointBatch(organization: org, points: onePoint(index))) })
            }
            try await Task.sleep(for: .milliseconds(5))
            await group.triggerGracefulShutdown()
            var acknowledged = 0
            for task in submitted where (try? await task.value) != nil { acknowledged += 1 }
            try await tasks.waitForAll()
            let stored = try await store.metrics(organization: org).first?.points ?? 0
            // Everything acknowledged is stored; nothing is stored that was refused.
            #expect(Int(stored) == acknowledged)
            #expect(acknowledged > 0)
        }
        await #expect(throws: ServiceError.self) {
            try await pipeline.submit(PointBatch(organization: org, points: onePoint(99)))
        }
    }

    @Test("the queue is bounded")
    func bounded() async throws {
        var options = IngestPipeline.Options()
        options.maxQueuedPoints = 10
        let store = SlowCountingStore(commitDelay: .milliseconds(200))
        let pipeline = IngestPipeline(store: store, options: options)
        let org = OrganizationID.random()
        try await withRunningPipeline(pipeline) {
            let results = await withTaskGroup(of: Bool.self) { requests in
                for index in 0..<40 {
                    requests.addTask { (try? await pipeline.submit(PointBatch(organization: org, points: onePoint(index)))) != nil }
                }
                var all: [Bool] = []
                for await result in requests { all.append(result) }
                return all
            }
            #expect(results.contains(false), "an over-full queue must refuse")
            let accepted = results.filter { $0 }.count
            let stored = try await store.metrics(organization: org).first?.points
            #expect(stored == Int64(accepted))
        }
    }
}
