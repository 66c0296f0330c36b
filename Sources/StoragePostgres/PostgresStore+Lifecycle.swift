public import ChurnGuardStorage
import ChurnGuardCore
import Foundation
import Logging
import PostgresNIO

extension PostgresStore: StoreLifecycle {
    /// Key of the advisory lock that serialises migrations across processes.
    static let migrationLockKey: Int64 = 0x6367_6d69_6772_6174

    /// Applies pending migrations, each in its own transaction holding
    /// `pg_advisory_xact_lock`, so two processes starting at once apply each exactly once;
    /// then creates the weekly partitions around today (plain PostgreSQL).
    public func migrate() async throws -> [String] {
        try await migrate(mode: nil)
    }

    /// ``migrate()`` with the storage mode of a database not yet migrated forced to `mode`
    /// instead of detected; an existing schema keeps its own. Tests use it to run the
    /// TimescaleDB variant's SQL where the extension is not installed.
    func migrate(mode requested: PostgresStorageMode?) async throws -> [String] {
        var applied: [String] = []
        while let name = try await applyNextMigration(requested) { applied.append(name) }
        let now = Date()
        // Four weeks back as well, for backfills right after installation.
        let created = try await ensurePartitions(from: now.addingTimeInterval(-Self.partitionsBehindAtMigration),
                                                 to: now.addingTimeInterval(Self.partitionsAhead))
        if created > 0 { logger.info("created time_series_data partitions", metadata: ["count": "\(created)"]) }
        return applied
    }

    /// Applies the first pending migration; `nil` when none is pending.
    private func applyNextMigration(_ requested: PostgresStorageMode?) async throws -> String? {
        try await transaction(.schema) { connection, logger in
            try await connection.query("SELECT pg_advisory_xact_lock(\(Self.migrationLockKey))", logger: logger)
            try await connection.query("""
                CREATE TABLE IF NOT EXISTS schema_migrations (
                    version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TIMESTAMPTZ NOT NULL DEFAULT now())
                """, logger: logger)
            let done = try await Self.appliedVersions(connection, logger: logger)
            let current = done.max() ?? 0
            let known = PostgresMigrations.latestVersion
            guard current <= known else {
                throw StoreError.schemaNotCurrent(
                    "database schema version \(current) is newer than this build knows (\(known)); upgrade churnguard")
            }
            let chosen = try await PostgresStorageMode.detect(connection, requested: requested, logger: logger)
            // The first migration not yet applied, even one numbered below the newest applied:
            // features developed side by side may land in either order.
            guard let migration = PostgresMigrations.all(for: chosen).first(where: { !done.contains($0.version) }) else { return nil }
            for statement in migration.statements {
                try await connection.query(PostgresQuery(unsafeSQL: statement), logger: logger)
            }
            try await connection.query(
                "INSERT INTO schema_migrations (version, name) VALUES (\(migration.version), \(migration.name))", logger: logger)
            return "\(migration.version): \(migration.name)"
        }
    }

    private static func appliedVersions(_ connection: PostgresConnection, logger: Logger) async throws -> Set<Int> {
        let rows = try await connection.query("SELECT version::INT8 FROM schema_migrations", logger: logger)
        var versions = Set<Int>()
        for try await version in rows.decode(Int64.self) { versions.insert(Int(version)) }
        return versions
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
            let existing = try await PostgresStorageMode.existing(connection, logger: logger)
            let mode = try await PostgresStorageMode.detect(connection, logger: logger)
            let extensionState = try await Self.timescaleExtensionState(connection, logger: logger)
            let description = existing == nil
                ? "not migrated yet: the first migration will use \(mode.statusDescription); timescaledb extension \(extensionState)"
                : "\(mode.statusDescription); timescaledb extension \(extensionState)"
            let entries = PostgresMigrations.all(for: mode).map {
                MigrationStatus.Entry(version: $0.version, name: $0.name, appliedAt: appliedAt[$0.version])
            }
            return MigrationStatus(backend: "postgresql (\(description))", entries: entries, databaseVersion: databaseVersion)
        }
    }

    /// Whether the `timescaledb` extension is installed in this database, only available on
    /// the server, or absent, for `migrate --status`.
    private static func timescaleExtensionState(_ connection: PostgresConnection, logger: Logger) async throws -> String {
        let rows = try await connection.query("""
            SELECT EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'timescaledb'),
                   EXISTS (SELECT 1 FROM pg_available_extensions WHERE name = 'timescaledb')
            """, logger: logger)
        for try await (installed, available) in rows.decode((Bool, Bool).self) {
            if installed { return "installed" }
            if available { return "available but not installed in this database (CREATE EXTENSION timescaledb, as a superuser, before the first migrate)" }
        }
        return "not available on this server"
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

    /// The connecting role's warnings (``securityWarnings()``), each with what to do; a
    /// check that cannot run is a warning too.
    public func startupWarnings() async -> [String] {
        do {
            return try await securityWarnings().map { "\($0); connect as an ordinary role that owns the schema (see docs/POSTGRES.md)" }
        } catch {
            return ["could not check the PostgreSQL role's privileges: \(error)"]
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
