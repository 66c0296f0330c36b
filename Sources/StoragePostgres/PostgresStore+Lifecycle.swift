public import ChurnGuardStorage
import ChurnGuardCore
public import Foundation
import Logging
import PostgresNIO

extension PostgresStore: StoreLifecycle {
    /// Key of the advisory lock that serialises migrations across processes.
    static let migrationLockKey: Int64 = 0x6367_6d69_6772_6174

    /// Applies pending migrations, each in its own transaction holding
    /// `pg_advisory_xact_lock`, so two processes starting at once apply each exactly once;
    /// then creates the weekly partitions around today.
    public func migrate() async throws -> [String] {
        var applied: [String] = []
        while let name = try await applyNextMigration() { applied.append(name) }
        let created = try await ensurePartitions(around: Date())
        if created > 0 { logger.info("created time_series_data partitions", metadata: ["count": "\(created)"]) }
        return applied
    }

    /// Applies the first pending migration; `nil` when none is pending.
    private func applyNextMigration() async throws -> String? {
        try await transaction(.schema) { connection, logger in
            try await connection.query("SELECT pg_advisory_xact_lock(\(Self.migrationLockKey))", logger: logger)
            try await connection.query("""
                CREATE TABLE IF NOT EXISTS schema_migrations (
                    version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TIMESTAMPTZ NOT NULL DEFAULT now())
                """, logger: logger)
            let current = try await Self.databaseVersion(connection, logger: logger)
            let known = PostgresMigrations.all.last?.version ?? 0
            guard current <= known else {
                throw StoreError.schemaNotCurrent(
                    "database schema version \(current) is newer than this build knows (\(known)); upgrade churnguard")
            }
            guard let migration = PostgresMigrations.all.first(where: { $0.version > current }) else { return nil }
            for statement in migration.statements {
                try await connection.query(PostgresQuery(unsafeSQL: statement), logger: logger)
            }
            try await connection.query(
                "INSERT INTO schema_migrations (version, name) VALUES (\(migration.version), \(migration.name))", logger: logger)
            return "\(migration.version): \(migration.name)"
        }
    }

    private static func databaseVersion(_ connection: PostgresConnection, logger: Logger) async throws -> Int {
        let rows = try await connection.query("SELECT COALESCE(MAX(version), 0)::INT8 FROM schema_migrations", logger: logger)
        for try await version in rows.decode(Int64.self) { return Int(version) }
        return 0
    }

    /// Creates the missing weekly partitions from four weeks before `date` to eight weeks
    /// after it; returns how many were created. The service calls it at migration time; a
    /// week without a partition still stores its points, in the default partition.
    @discardableResult
    public func ensurePartitions(around date: Date) async throws -> Int {
        let from = date.addingTimeInterval(-28 * 86_400)
        let to = date.addingTimeInterval(56 * 86_400)
        return try await transaction(.schema) { connection, logger in
            try await connection.query("SELECT pg_advisory_xact_lock(\(Self.migrationLockKey))", logger: logger)
            let rows = try await connection.query(
                "SELECT churnguard_ensure_partitions(\(from), \(to))::INT8", logger: logger)
            for try await created in rows.decode(Int64.self) { return Int(created) }
            return 0
        }
    }

    public func migrationStatus() async throws -> MigrationStatus {
        try await transaction(.schema) { connection, logger in
            var appliedAt: [Int: Date] = [:]
            var databaseVersion = 0
            let exists = try await connection.query("SELECT to_regclass('schema_migrations') IS NOT NULL", logger: logger)
            var hasTable = false
            for try await flag in exists.decode(Bool.self) { hasTable = flag }
            if hasTable {
                let rows = try await connection.query("SELECT version::INT8, applied_at FROM schema_migrations", logger: logger)
                for try await (version, date) in rows.decode((Int64, Date).self) {
                    appliedAt[Int(version)] = date
                    databaseVersion = max(databaseVersion, Int(version))
                }
            }
            let mode = try await Self.storageMode(connection, logger: logger)
            let entries = PostgresMigrations.all.map {
                MigrationStatus.Entry(version: $0.version, name: $0.name, appliedAt: appliedAt[$0.version])
            }
            return MigrationStatus(backend: "postgresql (\(mode))", entries: entries, databaseVersion: databaseVersion)
        }
    }

    /// How time-series data is stored, for `migrate --status`.
    private static func storageMode(_ connection: PostgresConnection, logger: Logger) async throws -> String {
        let rows = try await connection.query(
            "SELECT EXISTS (SELECT 1 FROM pg_available_extensions WHERE name = 'timescaledb')", logger: logger)
        var available = false
        for try await flag in rows.decode(Bool.self) { available = flag }
        return available
            ? "native weekly partitioning; the timescaledb extension is available but not used yet"
            : "native weekly partitioning; timescaledb extension not available"
    }

    public func checkReady() async throws {
        let status = try await migrationStatus()
        guard status.isCurrent else {
            if status.databaseVersion > (status.entries.last?.version ?? 0) {
                throw StoreError.schemaNotCurrent(
                    "PostgreSQL schema at version \(status.databaseVersion) is newer than this build; upgrade churnguard")
            }
            throw StoreError.schemaNotCurrent("PostgreSQL schema at version \(status.databaseVersion); run `churnguard migrate`")
        }
    }

    /// Warnings about the connecting role: row-level security cannot bind a superuser or a
    /// role with BYPASSRLS, so tenant isolation would rest on the queries alone.
    public func securityWarnings() async throws -> [String] {
        try await transaction(.schema) { connection, logger in
            let rows = try await connection.query(
                "SELECT current_user::TEXT, rolsuper, rolbypassrls FROM pg_roles WHERE rolname = current_user", logger: logger)
            var warnings: [String] = []
            for try await (role, superuser, bypass) in rows.decode((String, Bool, Bool).self) {
                if superuser { warnings.append("PostgreSQL role '\(role)' is a superuser: row-level security does not bind it") }
                if bypass { warnings.append("PostgreSQL role '\(role)' has BYPASSRLS: row-level security does not bind it") }
            }
            return warnings
        }
    }
}
