import ChurnGuardStorage
import StoragePostgres
import StoragePostgresTesting
import StorageSQLite

/// The storage backends a command-line test runs `churnguard` against.
enum CLIBackend: String, CaseIterable, Sendable {
    case sqlite, postgres

    /// SQLite always; PostgreSQL when a test server is configured, and always under `CI=true`
    /// (where a missing server then fails the test rather than skipping it).
    static var available: [CLIBackend] {
        TemporaryPostgresDatabase.enabled ? allCases : [.sqlite]
    }

    /// Runs `body` with the environment selecting this backend: nothing extra for the
    /// embedded default (the harness points `SQLITE_PATH` into its scratch folder), or
    /// `ANALYTICS_DB_BACKEND=timescaledb` and a `TIMESCALEDB_URL` naming a fresh, empty
    /// database that is dropped afterwards.
    func withEnvironment(_ body: ([String: String]) async throws -> Void) async throws {
        // Only the backend's own variables; the harness adds the rest.
        switch self {
        case .sqlite:
            try await body([:])
        case .postgres:
            try await TemporaryPostgresDatabase.with { _, options in
                try await body(["ANALYTICS_DB_BACKEND": "timescaledb",
                                "TIMESCALEDB_URL": try TemporaryPostgresDatabase.url(database: options.database)])
            }
        }
    }
}

extension CLIHarness {
    /// Runs `body` with a store opened on the same database the commands use, to check from
    /// outside what they stored; a PostgreSQL pool is closed afterwards.
    func withStore<T>(_ body: (any MetricStore & RollupStore & OrganizationStore & AlertStore & NotificationStore & AnomalyStore & InsightStore
                                  & StoreLifecycle) async throws -> T) async throws -> T {
        guard let url = backendEnvironment["TIMESCALEDB_URL"] else {
            return try await body(try SQLiteStore(path: directory.appendingPathComponent("data/churnguard.sqlite").path))
        }
        let store = try PostgresStore.open(try PostgresStoreOptions(url: url), logger: TemporaryPostgresDatabase.logger)
        do {
            let result = try await body(store)
            await store.shutdown()
            return result
        } catch {
            await store.shutdown()
            throw error
        }
    }
}
