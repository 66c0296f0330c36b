import Logging
import PostgresNIO

/// How `time_series_data` is laid out in one database. Chosen once, when the database is
/// first migrated, and read back from the catalog afterwards, so a running service never
/// guesses: installing or removing the extension later changes nothing.
public enum PostgresStorageMode: String, Sendable, CaseIterable {
    /// Plain PostgreSQL: native weekly range partitions, created ahead by the worker and
    /// dropped whole by retention.
    case partitions
    /// A TimescaleDB hypertable (the extension was installed in the database before the
    /// first `churnguard migrate`): chunks and the one-year retention policy are TimescaleDB's.
    case timescaledb

    /// The mode of an existing schema, or the one a first migration would choose: `requested`
    /// when given (tests of the TimescaleDB SQL), else TimescaleDB when the extension is
    /// installed in this database (`CREATE EXTENSION timescaledb`, run by a superuser), plain
    /// partitions otherwise.
    static func detect(_ connection: PostgresConnection, requested: PostgresStorageMode? = nil,
                       logger: Logger) async throws -> PostgresStorageMode {
        if let existing = try await existing(connection, logger: logger) { return existing }
        if let requested { return requested }
        let rows = try await connection.query(
            "SELECT EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'timescaledb')", logger: logger)
        for try await installed in rows.decode(Bool.self) where installed { return .timescaledb }
        return .partitions
    }

    /// The mode of an already created `time_series_data`: a partitioned table is the plain
    /// layout, anything else was created as a hypertable. `nil` before the first migration.
    static func existing(_ connection: PostgresConnection, logger: Logger) async throws -> PostgresStorageMode? {
        let rows = try await connection.query(
            "SELECT relkind::TEXT FROM pg_class WHERE oid = to_regclass('time_series_data')", logger: logger)
        for try await kind in rows.decode(String.self) { return kind == "p" ? .partitions : .timescaledb }
        return nil
    }

    /// A sentence for `migrate --status`.
    var statusDescription: String {
        switch self {
        case .partitions: "native weekly partitioning"
        case .timescaledb: "TimescaleDB hypertable"
        }
    }
}
