public import ChurnGuardCore
public import ChurnGuardStorage
import Foundation
import Logging
import PostgresNIO

extension PostgresStore {
    /// Deletes at most `limit` rows of `tier` older than `cutoff`, in the system scope. For raw
    /// points, whole expired partitions are dropped first (no row work, however many points
    /// they hold); the rows left before `cutoff` are then deleted in a bounded batch.
    public func expire(_ tier: RetentionTier, before cutoff: Timestamp, limit: Int) async throws -> Int {
        let limit = Int64(max(1, limit))
        switch tier {
        case .hourly, .daily:
            let resolution: RollupResolution = tier == .hourly ? .hour : .day
            let deleted = try await expireRollups(resolution, before: cutoff, limit: limit)
            guard Int64(deleted) < limit else { return deleted }
            return try await deleted + expireDimensionRollups(resolution, before: cutoff, limit: limit - Int64(deleted))
        case .raw:
            let dropped = try await dropExpiredPartitions(before: cutoff)
            return try await dropped + expireRaw(before: cutoff, limit: limit)
        }
    }

    private func expireRollups(_ resolution: RollupResolution, before cutoff: Timestamp, limit: Int64) async throws -> Int {
        var query = PostgresQuery(unsafeSQL: """
            WITH doomed AS (SELECT organization_id, metric_name, bucket FROM \(Self.table(resolution)) WHERE bucket < $1 LIMIT $2)
            DELETE FROM \(Self.table(resolution)) r USING doomed d
            WHERE r.organization_id = d.organization_id AND r.metric_name = d.metric_name AND r.bucket = d.bucket
            RETURNING 1::INT8
            """)
        query.binds.append(cutoff.microseconds)
        query.binds.append(limit)
        let statement = query
        return try await transaction(.system) { connection, logger in
            var deleted = 0
            for try await _ in try await connection.query(statement, logger: logger).decode(Int64.self) { deleted += 1 }
            return deleted
        }
    }

    /// Deletes rolled-up raw points (id ≤ watermark) older than `cutoff` and corrects
    /// `metric_catalog` for every series touched, in one transaction.
    private func expireRaw(before cutoff: Timestamp, limit: Int64) async throws -> Int {
        try await transaction(.system) { connection, logger in
            let rows = try await connection.query("""
                WITH doomed AS (
                    SELECT id, timestamp FROM time_series_data
                    WHERE timestamp < \(unescaped: Self.microsToTime) \(cutoff.microseconds)::INT8
                      AND id <= (SELECT watermark FROM rollup_state WHERE id = 1)
                    LIMIT \(limit))
                DELETE FROM time_series_data t USING doomed d WHERE t.id = d.id AND t.timestamp = d.timestamp
                RETURNING t.organization_id, t.metric_name
                """, logger: logger)
            var perSeries: [SeriesKey: Int64] = [:]
            for try await (organization, metric) in rows.decode((UUID, String).self) {
                perSeries[SeriesKey(organization: organization, metric: metric), default: 0] += 1
            }
            for (series, deleted) in perSeries {
                try await Self.correctCatalog(series, deleted: deleted, connection: connection, logger: logger)
            }
            return Int(perSeries.values.reduce(0, +))
        }
    }

    /// One series: an organization's metric.
    struct SeriesKey: Hashable {
        var organization: UUID
        var metric: String
    }

    /// Lowers the catalog count and re-reads the series' bounds; drops the entry when empty.
    static func correctCatalog(_ series: SeriesKey, deleted: Int64, connection: PostgresConnection,
                                       logger: Logger) async throws {
        try await connection.query("""
            UPDATE metric_catalog c SET points = c.points - \(deleted),
                first_timestamp = COALESCE(b.first, c.first_timestamp), last_timestamp = COALESCE(b.last, c.last_timestamp)
            FROM (SELECT \(unescaped: timeToMicros("min(timestamp)")) AS first, \(unescaped: timeToMicros("max(timestamp)")) AS last
                  FROM time_series_data WHERE organization_id = \(series.organization) AND metric_name = \(series.metric)) b
            WHERE c.organization_id = \(series.organization) AND c.metric_name = \(series.metric)
            """, logger: logger)
        try await connection.query("""
            DELETE FROM metric_catalog WHERE organization_id = \(series.organization) AND metric_name = \(series.metric)
                AND NOT EXISTS (SELECT 1 FROM time_series_data WHERE organization_id = \(series.organization)
                                AND metric_name = \(series.metric))
            """, logger: logger)
    }

    public func rollupStatistics() async throws -> RollupStatistics {
        try await transaction(.system) { connection, logger in
            let rows = try await connection.query("""
                SELECT s.watermark,
                    (SELECT count(*) FROM time_series_data WHERE id > s.watermark),
                    (SELECT count(*) FROM hourly_metrics), (SELECT count(*) FROM daily_metrics)
                FROM rollup_state s WHERE s.id = 1
                """, logger: logger)
            for try await (watermark, pending, hourly, daily) in rows.decode((Int64, Int64, Int64, Int64).self) {
                return RollupStatistics(watermark: watermark, pendingPoints: pending, hourlyBuckets: hourly, dailyBuckets: daily)
            }
            return RollupStatistics(watermark: 0, pendingPoints: 0, hourlyBuckets: 0, dailyBuckets: 0)
        }
    }
}
