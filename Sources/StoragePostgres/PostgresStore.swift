import ChurnGuardCore
import ChurnGuardStorage
public import Logging
import PostgresNIO
import Synchronization

/// The PostgreSQL backend: `time_series_data` as a TimescaleDB hypertable or range-partitioned
/// by week (see ``PostgresStorageMode``), row-level security on every tenant table.
///
/// The store owns a `PostgresClient` pool. ``open(_:logger:)`` starts the pool's `run()` in a
/// task that the store owns; ``shutdown()`` cancels it, which closes every connection.
/// Every tenant-scoped statement runs in a transaction that first sets
/// `churnguard.organization_id` with `set_config(…, true)` (transaction-local), so the
/// row-level security policies bind even if a query forgot its `WHERE organization_id`.
public final class PostgresStore: Sendable {
    let client: PostgresClient
    let logger: Logger
    let options: PostgresStoreOptions
    private let runTask: Task<Void, Never>
    /// The highest point sequence known to have no uncommitted sequence below it (see
    /// `rollUp`); only ever raised, valid for every process.
    let rollupHorizon = Mutex<Int64>(0)

    private init(client: PostgresClient, options: PostgresStoreOptions, logger: Logger, runTask: Task<Void, Never>) {
        self.client = client
        self.options = options
        self.logger = logger
        self.runTask = runTask
    }

    /// Creates the connection pool and starts it. Does not connect yet, does not migrate.
    /// - Throws: ``PostgresTLSError`` when the TLS settings cannot be used (the root
    ///   certificate file is missing, unreadable or holds no certificate).
    public static func open(_ options: PostgresStoreOptions, logger: Logger) throws(PostgresTLSError) -> PostgresStore {
        let client = PostgresClient(configuration: try options.clientConfiguration(), backgroundLogger: logger)
        let runTask = Task { await client.run() }
        return PostgresStore(client: client, options: options, logger: logger, runTask: runTask)
    }

    /// Stops the pool: closes its connections and waits until it has stopped.
    public func shutdown() async {
        runTask.cancel()
        await runTask.value
    }

    /// The scope a transaction runs in, set before its first statement.
    enum Scope {
        /// One organization's rows only.
        case tenant(OrganizationID)
        /// Every organization's rows: rollups, retention and API-key lookup before the caller is known.
        case system
        /// No row scope: schema changes and catalog queries only.
        case schema
    }

    /// Runs `body` in one transaction in `scope`, bounded by the query timeout; maps errors
    /// to ``StoreError``. A transaction whose caller stopped waiting (timeout, cancellation)
    /// rolls back when its statements finish instead of committing.
    func transaction<T: Sendable>(
        _ scope: Scope, _ body: @escaping @Sendable (PostgresConnection, Logger) async throws -> T
    ) async throws -> T {
        let logger = self.logger
        let statementTimeout = "\(Self.milliseconds(options.queryTimeout))"
        return try await withTimeout(options.queryTimeout) { [client] in
            do {
                return try await client.withTransaction(logger: logger) { connection in
                    // The server stops any statement past the budget too, so a heavy query does
                    // not keep running (and holding a connection) after its caller gave up.
                    switch scope {
                    case .tenant(let organization):
                        try await connection.query("""
                            SELECT set_config('churnguard.organization_id', \(organization.description), true),
                                   set_config('statement_timeout', \(statementTimeout), true)
                            """, logger: logger)
                    case .system:
                        try await connection.query("""
                            SELECT set_config('churnguard.scope', 'system', true), set_config('statement_timeout', \(statementTimeout), true)
                            """, logger: logger)
                    case .schema:
                        break
                    }
                    let result = try await body(connection, logger)
                    // Past the timeout the caller has already been told "unavailable" (HTTP
                    // 503) and may retry: a statement that was blocked until now must not
                    // commit behind its back. Throwing here makes `withTransaction` roll back.
                    // Only a timeout during COMMIT itself can still leave the outcome unknown.
                    try Task.checkCancellation()
                    return result
                }
            } catch {
                throw Self.storeError(error)
            }
        }
    }

    /// `duration` in whole milliseconds, at least 1 (PostgreSQL reads 0 as "no timeout").
    static func milliseconds(_ duration: Duration) -> Int64 {
        let (seconds, attoseconds) = duration.components
        return max(1, seconds * 1000 + attoseconds / 1_000_000_000_000_000)
    }

    /// Maps a postgres-nio error to ``StoreError``: unique violations become conflicts,
    /// schema errors (undefined table) say to migrate, everything else is unavailability.
    static func storeError(_ error: any Error) -> StoreError {
        if let error = error as? StoreError { return error }
        if let error = error as? PostgresTransactionError {
            // The first failure is the cause; a failed rollback after it adds nothing.
            if let cause = error.beginError ?? error.closureError ?? error.commitError { return storeError(cause) }
        }
        if let error = error as? PSQLError, let state = error.serverInfo?[.sqlState] {
            let message = error.serverInfo?[.message] ?? "server error"
            switch state {
            case "23505": return .conflict(message)
            case "42P01", "42703", "3F000": return .schemaNotCurrent("\(message); run `churnguard migrate`")
            case "57014": return .timedOut("PostgreSQL stopped the statement at its timeout: \(message)")
            // disk_full: the statement's transaction is rolled back; PostgreSQL itself handles
            // fsync failures (it stops and recovers from its WAL), so nothing is poisoned here.
            case "53100": return .storageFull("PostgreSQL: \(message)")
            // Class 22 (data exception: a value out of range, a NUL in text, …) and class 54
            // (program limit exceeded: too complex) are the request's fault, not the server's.
            case let state where state.hasPrefix("22") || state.hasPrefix("54"):
                return .invalidRequest("PostgreSQL error \(state): \(message)")
            default: return .unavailable("PostgreSQL error \(state): \(message)")
            }
        }
        if let error = error as? PSQLError {
            return .unavailable("PostgreSQL unreachable (\(error.code))")
        }
        return .unavailable("PostgreSQL operation failed: \(type(of: error))")
    }
}
