import ChurnGuardCore
import ChurnGuardEngine
import ChurnGuardStorage
import Foundation
import StoragePostgres
import StoragePostgresTesting
import StorageSQLite
import Testing

/// Several anomaly monitors on one database (docs/ANOMALY_DETECTION.md, "Several monitors"):
/// two monitors, each through its own store as two processes would, run at the same time over
/// the same points; they split the series through the leases, score every point once, store
/// every anomaly once, and when one dies the other takes its series over from its checkpoints.
@Suite("Anomaly monitors sharing a database")
struct AnomalyMonitorSharingTests {
    @Test("in memory: two monitors split the series, store each anomaly once, and one takes over when the other dies")
    func inMemory() async throws {
        let store = InMemoryStore()
        try await MonitorSharingScenario(first: store, second: store).run()
    }

    @Test("in memory, both monitors claiming every series: the loser of each commit re-reads cold and misses nothing")
    func inMemoryRace() async throws {
        let store = InMemoryStore()
        try await MonitorSharingScenario(first: store, second: store).run(raceLeases: true)
    }

    @Test("one SQLite file, two stores: split, stored once, taken over")
    func sqlite() async throws {
        try await withSQLiteFile { first, second in try await MonitorSharingScenario(first: first, second: second).run() }
    }

    @Test("one SQLite file, both monitors claiming every series: the checkpoint compare-and-set stores each anomaly once")
    func sqliteRace() async throws {
        try await withSQLiteFile { first, second in
            try await MonitorSharingScenario(first: first, second: second).run(raceLeases: true)
        }
    }

    @Test("one PostgreSQL database, two connection pools: split, stored once, taken over",
          .enabled(if: TemporaryPostgresDatabase.enabled, "CHURNGUARD_TEST_POSTGRES_URL is unset (scripts/test sets it)"))
    func postgres() async throws {
        try await withPostgres { first, second in try await MonitorSharingScenario(first: first, second: second).run() }
    }

    @Test("one PostgreSQL database, both monitors claiming every series: the checkpoint compare-and-set stores each anomaly once",
          .enabled(if: TemporaryPostgresDatabase.enabled, "CHURNGUARD_TEST_POSTGRES_URL is unset (scripts/test sets it)"))
    func postgresRace() async throws {
        try await withPostgres { first, second in
            try await MonitorSharingScenario(first: first, second: second).run(raceLeases: true)
        }
    }

    private func withSQLiteFile(_ body: (SQLiteStore, SQLiteStore) async throws -> Void) async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("churnguard-sharing-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("shared.sqlite").path
        let first = try SQLiteStore(path: path)
        _ = try await first.migrate()
        let second = try SQLiteStore(path: path)
        try await body(first, second)
    }

    private func withPostgres(_ body: (PostgresStore, PostgresStore) async throws -> Void) async throws {
        try await TemporaryPostgresDatabase.with(maximumConnections: 3) { first, options in
            _ = try await first.migrate()
            let second = try PostgresStore.open(options, logger: TemporaryPostgresDatabase.logger)
            do {
                try await body(first, second)
                await second.shutdown()
            } catch {
                await second.shutdown()
                throw error
            }
        }
    }
}
