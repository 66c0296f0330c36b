public import ChurnGuardCore
public import ChurnGuardStorage
import Foundation
import GRDB
import GRDBSQLite

extension SQLiteStore: RollupStore {
    public func foldNewPoints(maxPoints: Int) async throws -> RollupRun {
        let limit = max(1, maxPoints)
        let updatedAt = Timestamp(Date()).microseconds
        return try await write { db in
            let watermark = try Int64.fetchOne(db, sql: "SELECT watermark FROM rollup_state WHERE id = 1") ?? 0
            let (delta, last, folded) = try Self.readNewPoints(db, after: watermark, limit: limit)
            guard folded > 0 else { return RollupRun(folded: 0) }
            var rejected = try Self.merge(delta.hourly, into: .hour, db: db, updatedAt: updatedAt)
            rejected += try Self.merge(delta.daily, into: .day, db: db, updatedAt: updatedAt)
            try db.execute(sql: "UPDATE rollup_state SET watermark = ?, updated_at = ? WHERE id = 1",
                           arguments: [last, updatedAt])
            return RollupRun(folded: folded, rejected: rejected)
        }
    }

    /// Reads up to `limit` points past `watermark` in id order straight off the statement
    /// handle and folds them into a delta; returns it, the last id read and the count.
    private static func readNewPoints(_ db: Database, after watermark: Int64, limit: Int) throws -> (SQLiteRollupDelta, Int64, Int) {
        let select = try db.cachedStatement(sql: """
            SELECT id, organization_id, metric_name, timestamp, value FROM time_series_data
            WHERE id > ? ORDER BY id LIMIT ?
            """)
        let raw = select.sqliteStatement
        sqlite3_reset(raw)
        sqlite3_bind_int64(raw, 1, watermark)
        sqlite3_bind_int64(raw, 2, Int64(limit))
        defer { sqlite3_reset(raw) }
        var delta = SQLiteRollupDelta()
        var last = watermark
        var folded = 0
        var organization = ColumnText()
        var metric = ColumnText()
        while true {
            let code = sqlite3_step(raw)
            if code == SQLITE_DONE { break }
            guard code == SQLITE_ROW else {
                throw DatabaseError(resultCode: ResultCode(rawValue: code), message: String(cString: sqlite3_errmsg(db.sqliteConnection)))
            }
            last = sqlite3_column_int64(raw, 0)
            delta.add(organization: organization.read(raw, column: 1), metric: metric.read(raw, column: 2),
                      timestamp: sqlite3_column_int64(raw, 3), value: sqlite3_column_double(raw, 4))
            folded += 1
        }
        delta.flush()
        return (delta, last, folded)
    }

    /// Merges partial summaries into the stored rows of `resolution`'s table (read, merge,
    /// write back); a bucket whose merged summary is not finite is left as it was and returned.
    private static func merge(_ rows: [SQLiteRollupDelta.Key: RollupAggregate], into resolution: RollupResolution,
                              db: Database, updatedAt: Int64) throws -> [RejectedRollupBucket] {
        let table = resolution == .hour ? "hourly_metrics" : "daily_metrics"
        var rejected: [RejectedRollupBucket] = []
        let select = try db.cachedStatement(sql: """
            SELECT count, sum_value, avg_value, m2_value, min_value, max_value FROM \(table)
            WHERE organization_id = ? AND metric_name = ? AND bucket = ?
            """)
        let upsert = try db.cachedStatement(sql: """
            INSERT OR REPLACE INTO \(table)
                (organization_id, metric_name, bucket, count, sum_value, avg_value, m2_value, min_value, max_value, updated_at)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """)
        for (key, fresh) in rows {
            var aggregate = RollupAggregate()
            if let row = try Row.fetchOne(select, arguments: [key.organization, key.metric, key.bucket]) {
                aggregate = Self.aggregate(row)
            }
            aggregate.merge(fresh)
            guard aggregate.isFinite else {
                rejected.append(RejectedRollupBucket(organization: key.organization, metricName: key.metric,
                                                     resolution: resolution, bucket: Timestamp(microseconds: key.bucket)))
                continue
            }
            try upsert.execute(arguments: [
                key.organization, key.metric, key.bucket, aggregate.count, aggregate.sum, aggregate.mean,
                aggregate.m2, aggregate.min, aggregate.max, updatedAt,
            ])
        }
        return rejected
    }

    /// A summary from a row whose first six columns are count, sum, mean, m2, min, max.
    static func aggregate(_ row: Row, offset: Int = 0) -> RollupAggregate {
        RollupAggregate(count: row[offset], sum: row[offset + 1], mean: row[offset + 2],
                        m2: row[offset + 3], min: row[offset + 4], max: row[offset + 5])
    }

    public func rollups(
        metricName: String, resolution: RollupResolution, from: Timestamp?, to: Timestamp?,
        limit: Int, organization: OrganizationID
    ) async throws -> [RollupBucket] {
        let table = resolution == .hour ? "hourly_metrics" : "daily_metrics"
        let arguments: StatementArguments = [
            organization.description, metricName, from?.microseconds ?? Int64.min, to?.microseconds ?? Int64.max, max(0, limit),
        ]
        return try await read { db in
            try Row.fetchAll(db, sql: """
                SELECT bucket, count, sum_value, avg_value, m2_value, min_value, max_value FROM \(table)
                WHERE organization_id = ? AND metric_name = ? AND bucket >= ? AND bucket < ?
                ORDER BY bucket LIMIT ?
                """, arguments: arguments).map { row in
                RollupBucket(start: Timestamp(microseconds: row[0]), aggregate: Self.aggregate(row, offset: 1))
            }
        }
    }
}

/// Reads a text column, reusing the previous `String` when the bytes are unchanged (rows of
/// one series come in runs), so the hot loop allocates only when the series changes.
private struct ColumnText {
    private var bytes: [UInt8] = []
    private var text = ""

    mutating func read(_ statement: OpaquePointer?, column: Int32) -> String {
        guard let pointer = sqlite3_column_text(statement, column) else { return "" }
        let length = Int(sqlite3_column_bytes(statement, column))
        let same = length == bytes.count && bytes.withUnsafeBufferPointer { buffer in
            buffer.baseAddress.map { memcmp($0, pointer, length) == 0 } ?? (length == 0)
        }
        if same { return text }
        bytes = Array(UnsafeBufferPointer(start: pointer, count: length))
        text = String(decoding: bytes, as: UTF8.self)
        return text
    }
}
