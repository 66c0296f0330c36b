import ChurnGuardCore
import ChurnGuardEngine
import ChurnGuardStorage
import Testing

/// A store whose commits take `commitTime` on a manual clock; while `held`, commits wait for
/// `release()`. Records the number of batches of each commit.
actor ClockedStore: MetricStore {
    let inner = InMemoryStore()
    let clock: ManualClock
    let commitTime: Duration
    private var held = true
    private var gate: CheckedContinuation<Void, Never>?
    private(set) var groups: [Int] = []

    init(clock: ManualClock, commitTime: Duration) {
        self.clock = clock
        self.commitTime = commitTime
    }

    var isWaitingAtGate: Bool { gate != nil }

    func release() {
        held = false
        gate?.resume()
        gate = nil
    }

    func append(_ batches: [PointBatch]) async throws -> [AppendOutcome] {
        if held { await withCheckedContinuation { gate = $0 } }
        clock.advance(by: commitTime)
        groups.append(batches.count)
        return try await inner.append(batches)
    }

    func expireIdempotencyKeys(before cutoff: Timestamp) async throws -> Int {
        try await inner.expireIdempotencyKeys(before: cutoff)
    }

    func points(_ query: PointQuery, organization: OrganizationID) async throws -> PointPage {
        try await inner.points(query, organization: organization)
    }

    func metrics(organization: OrganizationID) async throws -> [MetricSummary] {
        try await inner.metrics(organization: organization)
    }
}

@Suite("Ingest pipeline on a manual clock")
struct IngestPipelineClockTests {
    @Test("adaptive group commit: lingers only with concurrent writers, stops at the target size or after the commit-time budget")
    func adaptiveLinger() async throws {
        let clock = ManualClock()
        let store = ClockedStore(clock: clock, commitTime: .milliseconds(2))
        var settings = AdaptiveGroupCommit.Settings()
        settings.commitSiblings = 2
        settings.commitDelayFactor = 1
        var options = IngestPipeline.Options()
        options.groupCommit = .adaptive(settings)
        let pipeline = IngestPipeline(store: store, options: options, clock: clock)
        let org = OrganizationID.random()
        func submit(_ index: Int) -> Task<Void, any Error> {
            Task { try await pipeline.submit(PointBatch(organization: org, points: onePoint(index))) }
        }
        func waitForQueue(_ count: Int) async {
            while pipeline.queuedBatches < count { await Task.yield() }
        }

        try await withRunningPipeline(pipeline) {
            // A lone request commits at once; three that queued behind it go together.
            let a = submit(0)
            while await !store.isWaitingAtGate { await Task.yield() }
            let bcd = [submit(1), submit(2), submit(3)]
            await waitForQueue(3)
            await store.release()
            try await a.value
            for task in bcd { try await task.value }
            #expect(await store.groups == [1, 3])

            // One request after a group of three: the writer lingers on the clock (a 2 ms
            // budget, the measured commit time) and commits as soon as three are queued,
            // without the clock moving.
            let e = submit(4)
            await clock.waitForSleepers(1)
            #expect(pipeline.statistics.commits == 2, "lingering, not committed")
            let fg = [submit(5), submit(6)]
            try await e.value
            for task in fg { try await task.value }
            #expect(await store.groups == [1, 3, 3])

            // Alone again: it lingers until the budget has passed on the clock, then commits.
            let h = submit(7)
            await clock.waitForSleepers(1)
            #expect(pipeline.statistics.commits == 3)
            clock.advance(by: .milliseconds(2))
            try await h.value
            #expect(await store.groups == [1, 3, 3, 1])
        }
    }

    @Test("the fixed linger sleeps on the injected clock too")
    func fixedLingerUsesInjectedClock() async throws {
        let clock = ManualClock()
        let store = ClockedStore(clock: clock, commitTime: .zero)
        var options = IngestPipeline.Options()
        options.groupCommit = .fixed(window: .milliseconds(5), tick: .milliseconds(1))
        let pipeline = IngestPipeline(store: store, options: options, clock: clock)
        let org = OrganizationID.random()
        try await withRunningPipeline(pipeline) {
            let first = Task { try await pipeline.submit(PointBatch(organization: org, points: onePoint(0))) }
            while await !store.isWaitingAtGate { await Task.yield() }
            let pair = [1, 2].map { index in Task { try await pipeline.submit(PointBatch(organization: org, points: onePoint(index))) } }
            while pipeline.queuedBatches < 2 { await Task.yield() }
            await store.release()
            try await first.value
            for task in pair { try await task.value }
            // The previous group held two batches: the next lone batch waits a tick.
            let next = Task { try await pipeline.submit(PointBatch(organization: org, points: onePoint(3))) }
            await clock.waitForSleepers(1)
            #expect(pipeline.statistics.commits == 2)
            clock.advance(by: .milliseconds(1))
            try await next.value
            #expect(await store.groups == [1, 2, 1])
        }
    }
}
