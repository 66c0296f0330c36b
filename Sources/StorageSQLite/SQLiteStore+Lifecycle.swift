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

    public func checkReady() async throws {
        let status = try await migrationStatus()
        guard status.isCurrent else {
            throw StoreError.schemaNotCurrent("SQLite schema at version \(status.databaseVersion); run `churnguard migrate`")
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
}
