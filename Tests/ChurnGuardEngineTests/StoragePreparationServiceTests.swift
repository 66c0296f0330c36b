import ChurnGuardEngine
import ChurnGuardStorage
import Foundation
import Logging
import ServiceLifecycle
import Synchronization
import Testing

/// A lifecycle that records the dates it was asked to prepare storage around, and fails once
/// on request.
final class PreparationRecorder: StoreLifecycle {
    private let state = Mutex<(dates: [Date], failNext: Bool)>(([], false))

    var dates: [Date] { state.withLock { $0.dates } }
    func failNextCall() { state.withLock { $0.failNext = true } }

    func migrate() async throws -> [String] { [] }
    func migrationStatus() async throws -> MigrationStatus { MigrationStatus(backend: "recorder", entries: [], databaseVersion: 0) }
    func checkReady() async throws {}
    func prepareStorage(around date: Date) async throws -> Int {
        try state.withLock {
            if $0.failNext {
                $0.failNext = false
                throw StoreError.unavailable("down for the test")
            }
            $0.dates.append(date)
            return 2
        }
    }
}

@Suite("Storage preparation service")
struct StoragePreparationServiceTests {
    @Test("prepares at once and at every tick around the injected now; a failure is counted and retried")
    func preparesOnTicks() async throws {
        let recorder = PreparationRecorder()
        let clock = ManualClock()
        let counters = PipelineCounters()
        let now = Date(timeIntervalSince1970: 1_800_000_000)
        let service = StoragePreparationService(store: recorder, interval: .seconds(3600), clock: clock, now: { now },
                                                counters: counters, logger: Logger(label: "test"))
        let group = ServiceGroup(configuration: .init(services: [service], logger: Logger(label: "test")))
        try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask { try await group.run() }
            await clock.waitForSleepers(1)
            #expect(recorder.dates == [now])
            recorder.failNextCall()
            clock.advance(by: .seconds(3600))
            while counters.snapshot.failures < 1 { await Task.yield() }
            await clock.waitForSleepers(1)
            clock.advance(by: .seconds(3600))
            while recorder.dates.count < 2 { await Task.yield() }
            #expect(recorder.dates == [now, now])
            await group.triggerGracefulShutdown()
            try await tasks.waitForAll()
        }
    }

    @Test("backends without partitions have nothing to prepare")
    func nothingToPrepare() async throws {
        #expect(try await InMemoryStore().prepareStorage(around: Date()) == 0)
    }
}
