import ChurnGuardCore
import ChurnGuardStorage
import Foundation
import PostgresNIO
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

/// A transaction that outlives its query timeout must not commit afterwards: its caller has
/// already been told "unavailable" (HTTP 503, "nothing was stored") and may retry, which would
/// store the batch twice. Seen end to end with a frozen server (PostgresOutageServeTests).
@Suite("PostgreSQL timeout", .enabled(if: TestDatabase.enabled, TestDatabase.skipNote))
struct PostgresTimeoutTests {
    @Test("an append that timed out while blocked rolls back once unblocked instead of committing")
    func timedOutAppendDoesNotCommitLater() async throws {
        try await TestDatabase.withFreshDatabase { store, options in
            _ = try await store.migrate()
            var quick = options
            quick.queryTimeout = .seconds(1)
            let impatient = try PostgresStore.open(quick, logger: TestDatabase.logger)
            // Another session holds a lock that blocks every INSERT into time_series_data.
            let locker = try await PostgresConnection.connect(
                configuration: PostgresConnection.Configuration(
                    host: options.host, port: options.port, username: options.username, password: options.password,
                    database: options.database, tls: .disable),
                id: 2, logger: TestDatabase.logger)
            let organization = OrganizationID.random()
            do {
                try await locker.query("BEGIN", logger: TestDatabase.logger)
                try await locker.query("LOCK TABLE time_series_data IN SHARE MODE", logger: TestDatabase.logger)
                let point = MetricPoint(metricName: "logins", timestamp: Timestamp(seconds: 1_764_000_000), value: 1, tags: [:], metadataJSON: nil)
                do {
                    try await impatient.append([PointBatch(organization: organization, points: [point])])
                    Issue.record("append succeeded while blocked")
                } catch let error as StoreError {
                    guard case .unavailable = error else { throw error }
                }
                // Unblock the abandoned transaction and wait until no other session of this
                // database is busy or inside a transaction any more.
                try await locker.query("COMMIT", logger: TestDatabase.logger)
                let deadline = ContinuousClock.now + .seconds(30)
                while ContinuousClock.now < deadline {
                    let rows = try await locker.query("""
                        SELECT count(*)::INT8 FROM pg_stat_activity
                        WHERE datname = current_database() AND pid <> pg_backend_pid() AND state <> 'idle'
                        """, logger: TestDatabase.logger)
                    var busy: Int64 = 0
                    for try await count in rows.decode(Int64.self) { busy = count }
                    if busy == 0 { break }
                    try await Task.sleep(for: .milliseconds(50))
                }
                let stored = try await store.points(PointQuery(metricName: "logins"), organization: organization).points
                #expect(stored.isEmpty, "the batch answered as unavailable was committed after all")
                try await locker.close()
                await impatient.shutdown()
            } catch {
                try? await locker.close()
                await impatient.shutdown()
                throw error
            }
        }
    }
}
