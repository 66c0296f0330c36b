public import ChurnGuardStorage
import ChurnGuardCore
import Foundation
import GRDB

extension SQLiteStore: StoreLifecycle {
    public func migrate() async throws -> [String] {
        try await write { db in
            try Self.createMigrationsTable(db)
            let done = Set(try Int.fetchAll(db, sql: "SELECT version FROM schema_migrations"))
            let current = done.max() ?? 0
            let known = SQLiteMigrations.all.last?.version ?? 0
            guard current <= known else {
                throw StoreError.schemaNotCurrent(
                    "database schema version \(current) is newer than this build knows (\(known)); upgrade churnguard")
            }
            // Every migration not yet applied, in order, even one numbered below the newest
            // applied: features developed side by side may land in either order.
            var applied: [String] = []
            for migration in SQLiteMigrations.all where !done.contains(migration.version) {
                try db.execute(sql: migration.sql)
                try db.execute(sql: "INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)",
                               arguments: [migration.version, migration.name, Timestamp(Date()).microseconds])
                applied.append("\(migration.version): \(migration.name)")
            }
            return applied
        }
    }

    public func migrationStatus() async throws -> MigrationStatus {
        try await read { db in
            var appliedAt: [Int: Date] = [:]
            var databaseVersion = 0
            if try db.tableExists("schema_migrations") {
                for row in try Row.fetchAll(db, sql: "SELECT version, applied_at FROM schema_migrations") {
                    let version: Int = row[0]
                    appliedAt[version] = Timestamp(microseconds: row[1]).date
                    databaseVersion = max(databaseVersion, version)
                }
            }
            let entries = SQLiteMigrations.all.map {
                MigrationStatus.Entry(version: $0.version, name: $0.name, appliedAt: appliedAt[$0.version])
            }
            return MigrationStatus(backend: "sqlite", entries: entries, databaseVersion: databaseVersion)
        }
    }

    /// Free space below which a store that hit a full disk stays "not ready": a small write
    /// can still fit in the WAL's reused frames while every real batch fails.
    static let readyFreeBytes: UInt64 = 8 << 20

    /// Ready when the schema is current and writes work: after an I/O error never (until a
    /// restart); after a full disk only once the database's file system has
    /// ``readyFreeBytes`` free and a small write (rewriting the newest migration's row as it is)
    /// commits, so a freed disk is noticed without waiting for traffic.
    public func checkReady() async throws {
        try writeHealth.checkWritable()
        let status = try await migrationStatus()
        guard status.isCurrent else {
            throw StoreError.schemaNotCurrent("SQLite schema at version \(status.databaseVersion); run `churnguard migrate`")
        }
        if case .full(let message) = writeHealth.current {
            if let free = freeBytes(), free < Self.readyFreeBytes {
                throw StoreError.storageFull("\(message); \(free) bytes free")
            }
            try await write { db in
                try db.execute(sql: "UPDATE schema_migrations SET applied_at = applied_at WHERE version = (SELECT max(version) FROM schema_migrations)")
            }
        }
    }

    static func createMigrationsTable(_ db: Database) throws {
        try db.execute(sql: """
            CREATE TABLE IF NOT EXISTS schema_migrations (
                version INTEGER PRIMARY KEY,
                name TEXT NOT NULL,
                applied_at INTEGER NOT NULL
            )
            """)
    }

    /// Bytes available to this process on the database file's file system, if it can tell.
    func freeBytes() -> UInt64? {
        let directory = (path as NSString).deletingLastPathComponent
        var info = statvfs()
        guard statvfs(directory.isEmpty ? "." : directory, &info) == 0 else { return nil }
        return UInt64(info.f_bavail) * UInt64(info.f_frsize)
    }
}
