import ChurnGuardCore
import ChurnGuardEngine
import ChurnGuardStorage
import Logging
import ServiceLifecycle
import Synchronization
import Testing

/// Cancellation stops the ingest writer as a graceful shutdown does. A service group cancels
/// its services when another one fails or its own task is cancelled; an idle writer that
/// waited only for a batch or a shutdown signal then never returned, and the whole process
/// (or test run) hung with every thread idle.
@Suite("Ingest pipeline cancellation")
struct IngestPipelineCancellationTests {
    /// Set once by the task it watches.
    final class Latch: Sendable {
        private let state = Mutex(false)
        func open() { state.withLock { $0 = true } }
        var isOpen: Bool { state.withLock { $0 } }

        /// Whether it opens within `bound` (a liveness bound for a hang, not a timing assertion).
        func opens(within bound: Duration) async -> Bool {
            let deadline = ContinuousClock.now + bound
            while !isOpen, ContinuousClock.now < deadline { try? await Task.sleep(for: .milliseconds(20)) }
            return isOpen
        }
    }

    @Test("an idle writer returns when its task is cancelled, and refuses batches afterwards")
    func idleWriterStopsOnCancel() async throws {
        let pipeline = IngestPipeline(store: InMemoryStore())
        let ended = Latch()
        let writer = Task {
            try await pipeline.run()
            ended.open()
        }
        // Let it reach its wait for work (either way it must end).
        try await Task.sleep(for: .milliseconds(50))
        writer.cancel()
        #expect(await ended.opens(within: .seconds(30)), "the cancelled writer never returned")
        let refused = await #expect(throws: ServiceError.self) {
            try await pipeline.submit(PointBatch(organization: .random(), points: onePoint(1)))
        }
        #expect(refused?.code == "shutting_down")
    }

    @Test("cancelling the service group that runs it ends the group, as after another service failed")
    func serviceGroupCancellation() async throws {
        let pipeline = IngestPipeline(store: InMemoryStore())
        let group = ServiceGroup(configuration: .init(services: [pipeline], logger: Logger(label: "test")))
        let ended = Latch()
        let runner = Task {
            try? await group.run()
            ended.open()
        }
        try await Task.sleep(for: .milliseconds(50))
        runner.cancel()
        #expect(await ended.opens(within: .seconds(30)), "the cancelled service group never returned")
    }

    @Test("batches queued when the writer is cancelled are all answered; every acknowledged one is stored")
    func queuedBatchesAreAnswered() async throws {
        let store = SlowCountingStore(commitDelay: .milliseconds(20))
        let pipeline = IngestPipeline(store: store)
        let organization = OrganizationID.random()
        let writerEnded = Latch()
        let writer = Task {
            try await pipeline.run()
            writerEnded.open()
        }
        let answered = Latch()
        let outcomes = Mutex<[Bool]>([])
        Task {
            await withTaskGroup(of: Bool.self) { group in
                for index in 0..<40 {
                    group.addTask {
                        (try? await pipeline.submit(PointBatch(organization: organization, points: onePoint(index)))) != nil
                    }
                }
                for await acknowledged in group { outcomes.withLock { $0.append(acknowledged) } }
            }
            answered.open()
        }
        try await Task.sleep(for: .milliseconds(30))
        writer.cancel()
        #expect(await answered.opens(within: .seconds(30)), "a caller was never answered after the cancellation")
        #expect(await writerEnded.opens(within: .seconds(30)), "the cancelled writer never returned")
        let acknowledged = outcomes.withLock { $0.filter { $0 }.count }
        let stored = try await store.metrics(organization: organization).first?.points ?? 0
        #expect(outcomes.withLock { $0.count } == 40)
        #expect(Int(stored) == acknowledged, "acknowledged \(acknowledged), stored \(stored)")
    }
}
