public import Foundation
public import Logging
public import PostgresNIO
public import StoragePostgres
import Synchronization

/// Throwaway databases on the PostgreSQL server the tests run against, for every test target
/// that needs a real PostgreSQL (the backend's own tests, the HTTP tests on PostgreSQL).
///
/// The server is named by `CHURNGUARD_TEST_POSTGRES_URL`: an ordinary role (not a superuser,
/// with CREATEDB) that `scripts/test` creates on a server it starts. Outside CI, tests that
/// need it are skipped when it is unset; under `CI=true` they run, and fail without it.
public enum TemporaryPostgresDatabase {
    /// The test server's URL, if one is configured.
    public static let serverURL = ProcessInfo.processInfo.environment["CHURNGUARD_TEST_POSTGRES_URL"]
        .flatMap { $0.isEmpty ? nil : $0 }
    /// Whether this is a CI run, where a missing server is a failure rather than a skip.
    public static let isCI = ProcessInfo.processInfo.environment["CI"] == "true"
    /// Whether the PostgreSQL tests run (and then fail when there is no server).
    public static let enabled = serverURL != nil || isCI

    /// Quiet logging for the tests' pools.
    public static var logger: Logger {
        var logger = Logger(label: "postgres-tests")
        logger.logLevel = .error
        return logger
    }

    /// Why a test needing PostgreSQL cannot run.
    public struct Unavailable: Error, CustomStringConvertible {
        public let description: String
    }

    /// Options for the base database named in the URL, with a small pool.
    /// - Throws: ``Unavailable`` when no server is configured (under `CI=true`).
    public static func baseOptions() throws -> PostgresStoreOptions {
        guard let serverURL else {
            throw Unavailable(description: "CHURNGUARD_TEST_POSTGRES_URL is unset: the PostgreSQL tests cannot run (scripts/test sets it)")
        }
        var options = try PostgresStoreOptions(url: serverURL)
        options.maximumConnections = 2
        // Generous: the whole suite runs its tests in parallel on two cores, where a statement
        // queued behind a busy pool of 2 connections (migrations of a fresh database take
        // several) can wait tens of seconds. Tests of timeouts set their own short ones.
        options.queryTimeout = .seconds(90)
        return options
    }

    /// Runs `body` with a store on a new, empty database (not migrated), and drops the
    /// database afterwards, whether `body` succeeded or not.
    public static func with<T: Sendable>(
        maximumConnections: Int = 2, _ body: (PostgresStore, PostgresStoreOptions) async throws -> T
    ) async throws -> T {
        let base = try baseOptions()
        let name = "cg_test_" + UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "")
        // The name is built from hex digits and underscores only, so quoting it is safe.
        // CREATE DATABASE copies template1 and fails while another session is connected to it
        // (SQLSTATE 55006), which parallel tests creating databases at once can cause: retry.
        for attempt in 1...8 {
            do {
                try await admin(base, PostgresQuery(unsafeSQL: "CREATE DATABASE \"\(name)\""))
                break
            } catch let error as PSQLError where error.serverInfo?[.sqlState] == "55006" && attempt < 8 {
                try await Task.sleep(for: .milliseconds(100 * attempt))
            }
        }
        var options = base
        options.database = name
        options.maximumConnections = maximumConnections
        let store = try PostgresStore.open(options, logger: logger)
        do {
            let result = try await body(store, options)
            await finishes(within: 20, "pool shutdown") { await store.shutdown() }
            await drop(name, base)
            return result
        } catch {
            await finishes(within: 20, "pool shutdown") { await store.shutdown() }
            await drop(name, base)
            throw error
        }
    }

    /// Drops a test database, retrying a few times: `WITH (FORCE)` is refused while a session
    /// of another role (autovacuum) is still attached. A database that cannot be dropped is
    /// left to the throwaway server rather than failing a test that passed.
    static func drop(_ name: String, _ base: PostgresStoreOptions) async {
        for attempt in 1...5 {
            let dropped = Once()
            await finishes(within: 30, "drop database") {
                do {
                    try await admin(base, PostgresQuery(unsafeSQL: "DROP DATABASE IF EXISTS \"\(name)\" WITH (FORCE)"))
                    _ = dropped.claim()
                } catch {}
            }
            if !dropped.claim() { return }
            try? await Task.sleep(for: .milliseconds(200 * attempt))
        }
    }

    /// The test server's URL with its database replaced by `database`, for a `churnguard`
    /// process under test (`TIMESCALEDB_URL`).
    public static func url(database: String) throws -> String {
        guard let serverURL, var components = URLComponents(string: serverURL) else { throw Unavailable(description: "no test server") }
        components.path = "/" + database
        guard let url = components.string else { throw Unavailable(description: "cannot rewrite the test server's URL") }
        return url
    }

    /// Runs one statement on the base database with a short-lived connection.
    public static func admin(_ options: PostgresStoreOptions, _ query: PostgresQuery) async throws {
        let connection = try await PostgresConnection.connect(
            configuration: PostgresConnection.Configuration(
                host: options.host, port: options.port, username: options.username, password: options.password,
                database: options.database, tls: .disable),
            id: 1, logger: logger)
        do {
            try await connection.query(query, logger: logger)
            try await connection.close()
        } catch {
            try? await connection.close()
            throw error
        }
    }
}

/// Waits for `operation` at most `seconds`, then goes on without it (it keeps running, detached).
///
/// The throwaway databases' housekeeping (stopping a store's pool, the admin statements) must
/// never hold a test forever: a full parallel run once stalled with every task idle and no
/// connection open on the server, in tests that all used these databases. A bounded wait turns
/// such a stall into a logged warning; `DROP DATABASE … WITH (FORCE)` then ends any session left.
/// Returns whether `operation` finished in time.
@discardableResult
func finishes(within seconds: Int, _ what: String, _ operation: @escaping @Sendable () async -> Void) async -> Bool {
    let once = Once()
    let inTime: Bool = await withCheckedContinuation { continuation in
        Task {
            await operation()
            if once.claim() { continuation.resume(returning: true) }
        }
        Task {
            try? await Task.sleep(for: .seconds(seconds))
            if once.claim() { continuation.resume(returning: false) }
        }
    }
    if !inTime { TemporaryPostgresDatabase.logger.error("test database housekeeping did not finish in time; going on", metadata: ["step": "\(what)"]) }
    return inTime
}

/// A flag that lets exactly one of several racers through.
private final class Once: Sendable {
    private let taken = Mutex(false)

    /// True for the first caller only.
    func claim() -> Bool {
        taken.withLock { taken in
            defer { taken = true }
            return !taken
        }
    }
}
