import ChurnGuardCore
import ChurnGuardStorage
import Foundation
import StorageSQLite
import Testing

@Suite("SQLite store specifics")
struct SQLiteStoreTests {
    @Test("a failing batch leaves no trace of any batch in the same append")
    func appendIsAtomic() async throws {
        try await TemporaryDirectory.with { directory in
            let path = directory.appendingPathComponent("atomic.sqlite").path
            let store = try SQLiteStore(path: path)
            _ = try await store.migrate()
            // A trigger makes the 3rd point of the second batch fail inside the transaction.
            try runSQL(path, "CREATE TRIGGER reject_poison BEFORE INSERT ON time_series_data WHEN NEW.metric_name = 'poison' BEGIN SELECT RAISE(ABORT, 'poisoned'); END;")
            let org = OrganizationID.random()
            let good = PointBatch(organization: org, points: [MetricPoint(metricName: "logins", timestamp: Timestamp(seconds: 1_764_000_000), value: 1)])
            let bad = PointBatch(organization: org, points: [
                MetricPoint(metricName: "logins", timestamp: Timestamp(seconds: 1_764_000_060), value: 2),
                MetricPoint(metricName: "logins", timestamp: Timestamp(seconds: 1_764_000_120), value: 3),
                MetricPoint(metricName: "poison", timestamp: Timestamp(seconds: 1_764_000_180), value: 4),
            ])
            await #expect(throws: StoreError.self) { try await store.append([good, bad]) }
            let stored = try await store.points(PointQuery(metricName: "logins"), organization: org)
            #expect(stored.points.isEmpty)
            #expect(try await store.metrics(organization: org).isEmpty)
        }
    }

    @Test("commits are durable: WAL with synchronous=FULL on the writer")
    func durability() async throws {
        try await TemporaryDirectory.with { directory in
            let store = try SQLiteStore(path: directory.appendingPathComponent("durable.sqlite").path)
            let settings = try await store.durabilitySettings()
            #expect(settings.journalMode == "wal")
            #expect(settings.synchronous == 2)
        }
    }

    @Test("a second process sees committed data and can write while the first holds the file")
    func sharedFile() async throws {
        try await TemporaryDirectory.with { directory in
            let path = directory.appendingPathComponent("shared.sqlite").path
            let first = try SQLiteStore(path: path)
            _ = try await first.migrate()
            let second = try SQLiteStore(path: path)
            let org = OrganizationID.random()
            try await first.append([PointBatch(organization: org, points: [MetricPoint(metricName: "mrr", timestamp: Timestamp(seconds: 1_764_000_000), value: 99)])])
            try await second.append([PointBatch(organization: org, points: [MetricPoint(metricName: "mrr", timestamp: Timestamp(seconds: 1_764_000_060), value: 199)])])
            let seen = try await first.points(PointQuery(metricName: "mrr"), organization: org).points.map(\.point.value)
            #expect(seen == [99, 199])
        }
    }

    @Test("a schema newer than the build is refused with a clear message")
    func newerSchemaRefused() async throws {
        try await TemporaryDirectory.with { directory in
            let path = directory.appendingPathComponent("newer.sqlite").path
            let store = try SQLiteStore(path: path)
            _ = try await store.migrate()
            try runSQL(path, "INSERT INTO schema_migrations (version, name, applied_at) VALUES (999, 'future', 0);")
            await #expect(throws: StoreError.self) { try await store.checkReady() }
            do {
                _ = try await store.migrate()
                Issue.record("migrate accepted a newer schema")
            } catch let error as StoreError {
                #expect(error.description.contains("newer than this build"))
            }
        }
    }

    @Test("a missing migration numbered below the newest applied one is applied (features land in either order)")
    func gapIsFilled() async throws {
        try await TemporaryDirectory.with { directory in
            let path = directory.appendingPathComponent("gap.sqlite").path
            let store = try SQLiteStore(path: path)
            _ = try await store.migrate()
            // As if migration 5 had landed after 7 was applied: its table and record are gone.
            try runSQL(path, "DROP TABLE ingest_idempotency; DELETE FROM schema_migrations WHERE version = 5;")
            await #expect(throws: StoreError.self) { try await store.checkReady() }
            let applied = try await store.migrate()
            #expect(applied.count == 1 && applied.first?.hasPrefix("5: ") == true, "\(applied)")
            try await store.checkReady()
            #expect(try await store.migrate().isEmpty)
        }
    }

    @Test("an unmigrated database is not ready")
    func unmigratedNotReady() async throws {
        try await TemporaryDirectory.with { directory in
            let store = try SQLiteStore(path: directory.appendingPathComponent("fresh.sqlite").path)
            await #expect(throws: StoreError.self) { try await store.checkReady() }
            let status = try await store.migrationStatus()
            #expect(!status.isCurrent)
            #expect(status.entries.allSatisfy { $0.appliedAt == nil })
        }
    }

    /// Runs SQL with the sqlite3 command-line shell, as an operator would.
    func runSQL(_ path: String, _ sql: String) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["sqlite3", path, sql]
        try process.run()
        process.waitUntilExit()
        try #require(process.terminationStatus == 0, "sqlite3 failed")
    }
}
