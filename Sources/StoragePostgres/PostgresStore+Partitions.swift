import ChurnGuardCore
public import Foundation
import Logging
import PostgresNIO

/// Weekly partitions of `time_series_data` on plain PostgreSQL: created ahead of time, and
/// dropped whole once expired and rolled up. On TimescaleDB both are TimescaleDB's own job
/// and these do nothing.
extension PostgresStore {
    /// How far ahead partitions are created: eight weeks.
    static let partitionsAhead: TimeInterval = 56 * 86_400
    /// How far back `migrate` also creates them (backfills right after installation): four weeks.
    static let partitionsBehindAtMigration: TimeInterval = 28 * 86_400

    /// Creates the missing partitions from the week of `date` to eight weeks after it. The
    /// worker calls it periodically, so new points never land in the default partition.
    public func prepareStorage(around date: Date) async throws -> Int {
        try await ensurePartitions(from: date, to: date.addingTimeInterval(Self.partitionsAhead))
    }

    /// Creates the missing weekly partitions overlapping `[from, to)`; returns how many were
    /// created. Serialised with migrations by their advisory lock.
    @discardableResult
    func ensurePartitions(from: Date, to: Date) async throws -> Int {
        try await transaction(.schema) { connection, logger in
            try await connection.query("SELECT pg_advisory_xact_lock(\(Self.migrationLockKey))", logger: logger)
            guard try await PostgresStorageMode.existing(connection, logger: logger) == .partitions else { return 0 }
            let rows = try await connection.query("SELECT churnguard_ensure_partitions(\(from), \(to))::INT8", logger: logger)
            for try await created in rows.decode(Int64.self) { return Int(created) }
            return 0
        }
    }

    /// Drops every weekly partition that lies wholly before `cutoff` and whose points are all
    /// folded into the rollups, each in its own short transaction, correcting
    /// `metric_catalog`; returns the rows dropped. A partition that is busy (its lock not
    /// granted within two seconds) or still holds points past the watermark is left for a
    /// later run, where row-by-row retention may also reach it.
    func dropExpiredPartitions(before cutoff: Timestamp) async throws -> Int {
        var dropped = 0
        for partition in try await expiredPartitions(before: cutoff) {
            do {
                dropped += try await dropPartition(partition) ?? 0
            } catch {
                logger.notice("could not drop an expired partition; retrying on a later run",
                              metadata: ["partition": "\(partition)", "error": "\(error)"])
            }
        }
        return dropped
    }

    /// The weekly partitions (named `time_series_data_YYYYMMDD` after their Monday) whose week
    /// ends at or before `cutoff`, oldest first.
    private func expiredPartitions(before cutoff: Timestamp) async throws -> [String] {
        try await transaction(.schema) { connection, logger in
            let rows = try await connection.query("""
                SELECT c.relname::TEXT FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
                WHERE i.inhparent = to_regclass('time_series_data') AND c.relname ~ '^time_series_data_[0-9]{8}$'
                  AND (to_date(substr(c.relname, 18), 'YYYYMMDD')::TIMESTAMP AT TIME ZONE 'UTC') + INTERVAL '7 days'
                      <= \(unescaped: Self.microsToTime) \(cutoff.microseconds)::INT8
                ORDER BY c.relname
                """, logger: logger)
            var names: [String] = []
            for try await name in rows.decode(String.self) { names.append(name) }
            return names
        }
    }

    /// Drops one partition in the system scope: locks it against writes, checks that every
    /// point in it is rolled up, counts its points per series, drops it and lowers the
    /// catalog. `nil` when it still holds points past the watermark.
    private func dropPartition(_ name: String) async throws -> Int? {
        // The name matched ^time_series_data_[0-9]{8}$, so quoting it as an identifier is safe.
        let table = "\"\(name)\""
        return try await transaction(.system) { connection, logger in
            try await connection.query("SET LOCAL lock_timeout = '2s'", logger: logger)
            try await connection.query(PostgresQuery(unsafeSQL: "LOCK TABLE \(table) IN SHARE MODE"), logger: logger)
            let pending = try await connection.query(PostgresQuery(unsafeSQL: """
                SELECT EXISTS (SELECT 1 FROM \(table) WHERE id > (SELECT watermark FROM rollup_state WHERE id = 1))
                """), logger: logger)
            for try await notRolledUp in pending.decode(Bool.self) where notRolledUp { return nil }
            var perSeries: [SeriesKey: Int64] = [:]
            let counts = try await connection.query(PostgresQuery(unsafeSQL: """
                SELECT organization_id, metric_name, count(*)::INT8 FROM \(table) GROUP BY organization_id, metric_name
                """), logger: logger)
            for try await (organization, metric, count) in counts.decode((UUID, String, Int64).self) {
                perSeries[SeriesKey(organization: organization, metric: metric)] = count
            }
            try await connection.query(PostgresQuery(unsafeSQL: "DROP TABLE \(table)"), logger: logger)
            for (series, count) in perSeries {
                try await Self.correctCatalog(series, deleted: count, connection: connection, logger: logger)
            }
            let points = perSeries.values.reduce(0, +)
            logger.info("dropped an expired partition", metadata: ["partition": "\(name)", "points": "\(points)"])
            return Int(points)
        }
    }
}
