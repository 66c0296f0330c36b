public import ChurnGuardCore
public import ChurnGuardStorage
import GRDB

extension SQLiteStore {
    public func expire(_ tier: RetentionTier, before cutoff: Timestamp, limit: Int) async throws -> Int {
        let limit = max(1, limit)
        switch tier {
        case .hourly, .daily:
            let resolution: RollupResolution = tier == .hourly ? .hour : .day
            let deleted = try await expireRollups(table: tier == .hourly ? "hourly_metrics" : "daily_metrics", before: cutoff, limit: limit)
            guard deleted < limit else { return deleted }
            return try await deleted + expireDimensionRollups(table: Self.dimensionTable(resolution), before: cutoff, limit: limit - deleted)
        case .raw: return try await expireRaw(before: cutoff, limit: limit)
        }
    }

    private func expireRollups(table: String, before cutoff: Timestamp, limit: Int) async throws -> Int {
        try await write { db in
            try db.execute(sql: """
                DELETE FROM \(table) WHERE (organization_id, metric_name, bucket) IN (
                    SELECT organization_id, metric_name, bucket FROM \(table) WHERE bucket < ? LIMIT ?)
                """, arguments: [cutoff.microseconds, limit])
            return db.changesCount
        }
    }

    /// Deletes at most `limit` dimension rollup rows older than `cutoff` (through the bucket index).
    private func expireDimensionRollups(table: String, before cutoff: Timestamp, limit: Int) async throws -> Int {
        try await write { db in
            try db.execute(sql: """
                DELETE FROM \(table) WHERE (organization_id, metric_name, dimension, dimension_value, bucket) IN (
                    SELECT organization_id, metric_name, dimension, dimension_value, bucket FROM \(table) WHERE bucket < ? LIMIT ?)
                """, arguments: [cutoff.microseconds, limit])
            return db.changesCount
        }
    }

    /// Deletes rolled-up raw points older than `cutoff`, series by series through the
    /// `(organization_id, metric_name, timestamp)` index, and corrects `metric_catalog`.
    ///
    /// The point with the highest id is never deleted: SQLite gives a new row `max(id) + 1`,
    /// so keeping that row keeps ids increasing for ever, which the watermark relies on.
    private func expireRaw(before cutoff: Timestamp, limit: Int) async throws -> Int {
        try await write { db in
            let watermark = try Int64.fetchOne(db, sql: "SELECT watermark FROM rollup_state WHERE id = 1") ?? 0
            let highest = try Int64.fetchOne(db, sql: "SELECT max(id) FROM time_series_data") ?? 0
            let eligible = min(watermark, highest - 1)
            let series = try Row.fetchAll(db, sql: """
                SELECT organization_id, metric_name FROM metric_catalog WHERE first_timestamp < ?
                """, arguments: [cutoff.microseconds])
            var budget = limit
            for row in series where budget > 0 {
                let organization: String = row[0]
                let metric: String = row[1]
                try db.execute(sql: """
                    DELETE FROM time_series_data WHERE id IN (
                        SELECT id FROM time_series_data
                        WHERE organization_id = ? AND metric_name = ? AND timestamp < ? AND id <= ? LIMIT ?)
                    """, arguments: [organization, metric, cutoff.microseconds, eligible, budget])
                let deleted = db.changesCount
                guard deleted > 0 else { continue }
                budget -= deleted
                try Self.correctCatalog(db, organization: organization, metric: metric, deleted: deleted)
            }
            return limit - budget
        }
    }

    /// Lowers the catalog's count by `deleted` and re-reads the series' bounds from the index;
    /// drops the entry when the series is empty.
    private static func correctCatalog(_ db: Database, organization: String, metric: String, deleted: Int) throws {
        // Two single-aggregate queries: SQLite answers each with one index seek.
        let series: StatementArguments = [organization, metric]
        let first = try Int64.fetchOne(db, sql: """
            SELECT min(timestamp) FROM time_series_data WHERE organization_id = ? AND metric_name = ?
            """, arguments: series)
        let last = try Int64.fetchOne(db, sql: """
            SELECT max(timestamp) FROM time_series_data WHERE organization_id = ? AND metric_name = ?
            """, arguments: series)
        if let first, let last {
            try db.execute(sql: """
                UPDATE metric_catalog SET points = points - ?, first_timestamp = ?, last_timestamp = ?
                WHERE organization_id = ? AND metric_name = ?
                """, arguments: [deleted, first, last, organization, metric])
        } else {
            try db.execute(sql: "DELETE FROM metric_catalog WHERE organization_id = ? AND metric_name = ?",
                           arguments: [organization, metric])
        }
    }

    public func rollupStatistics() async throws -> RollupStatistics {
        try await read { db in
            let watermark = try Int64.fetchOne(db, sql: "SELECT watermark FROM rollup_state WHERE id = 1") ?? 0
            return RollupStatistics(
                watermark: watermark,
                pendingPoints: try Int64.fetchOne(db, sql: "SELECT count(*) FROM time_series_data WHERE id > ?", arguments: [watermark]) ?? 0,
                hourlyBuckets: try Int64.fetchOne(db, sql: "SELECT count(*) FROM hourly_metrics") ?? 0,
                dailyBuckets: try Int64.fetchOne(db, sql: "SELECT count(*) FROM daily_metrics") ?? 0)
        }
    }
}
