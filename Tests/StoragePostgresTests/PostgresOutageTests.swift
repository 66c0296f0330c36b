import ChurnGuardCore
import ChurnGuardStorage
import Foundation
import StoragePostgres
import Testing

/// With no server answering, every operation fails as unavailable (HTTP 503) within the
/// query timeout instead of hanging. Needs no PostgreSQL: it points at a closed port.
@Suite("PostgreSQL outage")
struct PostgresOutageTests {
    @Test("an unreachable server fails fast as unavailable")
    func unreachable() async throws {
        var options = PostgresStoreOptions(host: "127.0.0.1", port: 1, username: "nobody", database: "nothing")
        options.connectTimeout = .seconds(1)
        options.queryTimeout = .seconds(2)
        let store = try PostgresStore.open(options, logger: TestDatabase.logger)
        let started = ContinuousClock.now
        do {
            try await store.append([PointBatch(organization: .random(), points: [
                MetricPoint(metricName: "logins", timestamp: Timestamp(seconds: 1_764_000_000), value: 1, tags: [:], metadataJSON: nil),
            ])])
            Issue.record("append succeeded without a server")
        } catch let error as StoreError {
            guard case .unavailable = error else {
                Issue.record("expected unavailable, got \(error)")
                await store.shutdown()
                return
            }
        }
        await #expect(throws: StoreError.self) { try await store.checkReady() }
        // Alone this takes about twice the 2 s timeout; the bound is loose because the test
        // runner shares two cores with CPU-bound suites that can starve the timer task.
        let elapsed = ContinuousClock.now - started
        #expect(elapsed < .seconds(120), "took \(elapsed)")
        await store.shutdown()
    }
}
