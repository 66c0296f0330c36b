import ChurnGuardCore
import ChurnGuardStorage
public import Foundation
import GRDB
import GRDBSQLite
import Logging

/// The embedded default backend: one SQLite file in WAL mode.
///
/// Durability: `journal_mode=WAL` with `synchronous=FULL`, so a commit returns only after
/// its WAL frames are fsynced; a power cut loses nothing that was acknowledged. Readers
/// never block the writer. Several processes (the service, `churnguard ingest`, `org
/// create`) may use the same file at once; a writer waits up to `busyTimeout` for the lock.
///
/// Every read runs under a time budget (`queryTimeout`, `database.query_timeout`): SQLite's
/// progress handler interrupts a statement past it, so one heavy query cannot hold a reader
/// connection for long. A new database file is created readable by its owner only (0600);
/// SQLite gives its `-wal` and `-shm` files the same mode.
///
/// A full disk (`SQLITE_FULL`) rolls the write back whole: it fails as
/// ``StoreError/storageFull(_:)`` and the store stays usable; `/ready` reports it until a
/// write (or the readiness probe's own small write) succeeds again. An I/O error while writing
/// (`SQLITE_IOERR`, e.g. a failed fsync) leaves the file in a state SQLite cannot vouch for:
/// the store then refuses every write as ``StoreError/storageFailed(_:)`` until the process
/// restarts, and `/ready` fails, rather than go on writing on top of it.
public final class SQLiteStore: Sendable {
    let pool: DatabasePool
    let path: String
    /// Longest a read may run before it is interrupted.
    let queryTimeout: Duration
    /// Whether writes work, are refused for a full disk, or are refused after an I/O error.
    let writeHealth = WriteHealth()

    /// Opens (creating if needed) the database at `path`. Does not migrate.
    /// - Throws: ``StoreError/unavailable(_:)`` when the file cannot be opened.
    public init(path: String, busyTimeout: TimeInterval = 10, queryTimeout: Duration = .seconds(60)) throws {
        self.path = path
        self.queryTimeout = queryTimeout
        let directory = (path as NSString).deletingLastPathComponent
        if !directory.isEmpty, !FileManager.default.fileExists(atPath: directory) {
            try? FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true,
                                                     attributes: [.posixPermissions: 0o700])
        }
        try Self.createPrivately(path)
        var configuration = Configuration()
        configuration.busyMode = .timeout(busyTimeout)
        configuration.prepareDatabase { db in
            try db.execute(sql: "PRAGMA synchronous = FULL")
            try db.execute(sql: "PRAGMA foreign_keys = ON")
        }
        do {
            pool = try DatabasePool(path: path, configuration: configuration)
            // GRDB switches WAL pools to synchronous=NORMAL after `prepareDatabase`; the writer
            // connection (the only one that commits) is set back to FULL here. Measured: with
            // NORMAL, 1032 commits issued 29 fdatasync calls, i.e. commits were not durable.
            try pool.writeWithoutTransaction { db in try db.execute(sql: "PRAGMA synchronous = FULL") }
        } catch {
            throw StoreError.unavailable("cannot open SQLite database at \(path): \(error)")
        }
    }

    /// The writer's `journal_mode` and `synchronous` (2 = FULL), for diagnostics and tests.
    public func durabilitySettings() async throws -> (journalMode: String, synchronous: Int) {
        try await pool.writeWithoutTransaction { db in
            (try String.fetchOne(db, sql: "PRAGMA journal_mode") ?? "",
             try Int.fetchOne(db, sql: "PRAGMA synchronous") ?? -1)
        }
    }

    /// Creates an empty database file readable and writable by its owner only, unless the
    /// file already exists (its mode is then the operator's choice and left alone).
    private static func createPrivately(_ path: String) throws {
        guard path != ":memory:", !path.isEmpty else { return }
        let descriptor = open(path, O_CREAT | O_EXCL | O_WRONLY | O_CLOEXEC, 0o600)
        if descriptor >= 0 {
            close(descriptor)
        } else if errno != EEXIST {
            throw StoreError.unavailable("cannot create SQLite database at \(path): \(String(cString: strerror(errno)))")
        }
    }

    /// Runs a read under the query time budget, mapping backend errors to ``StoreError``:
    /// an interrupted read is ``StoreError/timedOut(_:)``, values SQLite refuses as too big or
    /// too complex are ``StoreError/invalidRequest(_:)``, anything else is unavailability.
    func read<T: Sendable>(_ body: @escaping @Sendable (Database) throws -> T) async throws -> T {
        let budget = queryTimeout
        do {
            return try await pool.read { db in
                try QueryBudget.run(db, budget: budget) { try body(db) }
            }
        } catch let error as StoreError { throw error } catch let error as DatabaseError {
            throw Self.storeError(error, budget: budget)
        } catch {
            throw StoreError.unavailable("SQLite read failed: \(error)")
        }
    }

    /// The ``StoreError`` for a failed read.
    static func storeError(_ error: DatabaseError, budget: Duration) -> StoreError {
        switch error.resultCode {
        case .SQLITE_INTERRUPT:
            return .timedOut("SQLite read interrupted after its budget of \(budget)")
        case .SQLITE_TOOBIG, .SQLITE_RANGE, .SQLITE_MISMATCH:
            return .invalidRequest(error.message ?? "\(error.resultCode)")
        case .SQLITE_ERROR where (error.message ?? "").contains("too large") || (error.message ?? "").contains("too many"):
            return .invalidRequest(error.message ?? "")
        default:
            return .unavailable("SQLite read failed: \(error)")
        }
    }

    /// Runs a write transaction, mapping backend errors to ``StoreError``; refused at once
    /// after an I/O error (see the type's notes).
    func write<T: Sendable>(_ body: @escaping @Sendable (Database) throws -> T) async throws -> T {
        try writeHealth.checkWritable()
        do {
            let result = try await pool.write(body)
            writeHealth.succeeded()
            return result
        } catch let error as StoreError { throw error } catch let error as DatabaseError {
            throw writeHealth.record(error)
        } catch {
            throw StoreError.unavailable("SQLite write failed: \(error)")
        }
    }
}
