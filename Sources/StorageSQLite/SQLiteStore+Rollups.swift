public import ChurnGuardCore
public import ChurnGuardStorage
import Foundation
import GRDB
import GRDBSQLite

extension SQLiteStore: RollupStore {
    /// `SQLITE_TRANSIENT`: SQLite copies bound text before the call returns.
    private static let copiedText = unsafeBitCast(-1, to: sqlite3_destructor_type.self)

    public func foldNewPoints(maxPoints: Int, dimensions: RollupDimensions) async throws -> RollupRun {
        let limit = max(1, maxPoints)
        let updatedAt = Timestamp(Date()).microseconds
        return try await write { db in
            let watermark = try Int64.fetchOne(db, sql: "SELECT watermark FROM rollup_state WHERE id = 1") ?? 0
            var groups = DimensionRollupDelta<String>(dimensions: dimensions)
            let (delta, last, folded) = try Self.readNewPoints(db, after: watermark, limit: limit, groups: &groups)
            guard folded > 0 else { return RollupRun(folded: 0) }
            var rejected = try Self.merge(delta.hourly, into: .hour, db: db, updatedAt: updatedAt)
            rejected += try Self.merge(delta.daily, into: .day, db: db, updatedAt: updatedAt)
            rejected += try Self.mergeGroups(groups, db: db, updatedAt: updatedAt)
            try db.execute(sql: "UPDATE rollup_state SET watermark = ?, updated_at = ? WHERE id = 1",
                           arguments: [last, updatedAt])
            return RollupRun(folded: folded, rejected: rejected)
        }
    }

    /// Reads up to `limit` points past `watermark` in id order straight off the statement
    /// handle and folds them into a delta (and their dimension tags, read by `json_extract`,
    /// into `groups`); returns it, the last id read and the count.
    private static func readNewPoints(_ db: Database, after watermark: Int64, limit: Int,
                                      groups: inout DimensionRollupDelta<String>) throws -> (SQLiteRollupDelta, Int64, Int) {
        let names = groups.dimensions.names
        let tagColumns = names.indices.map { ", json_extract(CASE WHEN json_valid(tags) THEN tags END, ?\($0 + 3))" }.joined()
        let select = try db.cachedStatement(sql: """
            SELECT id, organization_id, metric_name, timestamp, value\(tagColumns) FROM time_series_data
            WHERE id > ?1 ORDER BY id LIMIT ?2
            """)
        let raw = select.sqliteStatement
        sqlite3_reset(raw)
        sqlite3_bind_int64(raw, 1, watermark)
        sqlite3_bind_int64(raw, 2, Int64(limit))
        // Tag keys are letters, digits, '_', '.' and '-' (validated at ingest and in
        // configuration), so quoting the key makes a JSON path naming exactly that key. A row
        // whose tags are not valid JSON (never written so; a damaged file) is in no group rather
        // than failing every organization's run.
        let paths = names.map { "$.\"\($0)\"" }
        for (index, path) in paths.enumerated() {
            sqlite3_bind_text(raw, Int32(index + 3), path, -1, Self.copiedText)
        }
        defer { sqlite3_reset(raw) }
        var tagTexts = names.map { _ in ColumnText() }
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
            let organizationText = organization.read(raw, column: 1)
            let metricText = metric.read(raw, column: 2)
            let micros = sqlite3_column_int64(raw, 3)
            let value = sqlite3_column_double(raw, 4)
            delta.add(organization: organizationText, metric: metricText, timestamp: micros, value: value)
            if !names.isEmpty {
                let hour = RollupResolution.hour.bucketStart(of: Timestamp(microseconds: micros)).microseconds
                for index in names.indices where sqlite3_column_type(raw, Int32(5 + index)) == SQLITE_TEXT {
                    let tag = tagTexts[index].read(raw, column: Int32(5 + index))
                    groups.add(organization: organizationText, metric: metricText, dimension: names[index], raw: tag, hour: hour, value: value)
                }
            }
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

    /// Groups the run's dimension summaries (loading and extending the admitted values of each
    /// organization and dimension met) and merges them into the dimension tables.
    private static func mergeGroups(_ groups: DimensionRollupDelta<String>, db: Database, updatedAt: Int64) throws -> [RejectedRollupBucket] {
        guard !groups.isEmpty else { return [] }
        let load = try db.cachedStatement(sql: """
            SELECT dimension_value FROM rollup_dimension_values WHERE organization_id = ? AND dimension = ?
            """)
        var admitted: [DimensionRollupDelta<String>.Scope: Set<String>] = [:]
        for scope in groups.scopes {
            admitted[scope] = Set(try String.fetchAll(load, arguments: [scope.organization, scope.dimension]))
        }
        let resolved = groups.resolve(admitted: admitted)
        let admit = try db.cachedStatement(sql: """
            INSERT INTO rollup_dimension_values (organization_id, dimension, dimension_value, admitted_at) VALUES (?, ?, ?, ?)
            """)
        for (scope, values) in resolved.admitted {
            for value in values { try admit.execute(arguments: [scope.organization, scope.dimension, value, updatedAt]) }
        }
        var rejected = try mergeGroupRows(resolved.hourly, into: .hour, db: db, updatedAt: updatedAt)
        rejected += try mergeGroupRows(resolved.daily, into: .day, db: db, updatedAt: updatedAt)
        return rejected
    }

    /// The dimension rollup table of a resolution (a constant).
    static func dimensionTable(_ resolution: RollupResolution) -> String {
        resolution == .hour ? "hourly_dimension_metrics" : "daily_dimension_metrics"
    }

    /// Merges group summaries into `resolution`'s dimension table, as ``merge(_:into:db:updatedAt:)``.
    private static func mergeGroupRows(_ rows: [DimensionRollupDelta<String>.Key: RollupAggregate], into resolution: RollupResolution,
                                       db: Database, updatedAt: Int64) throws -> [RejectedRollupBucket] {
        let table = dimensionTable(resolution)
        var rejected: [RejectedRollupBucket] = []
        let select = try db.cachedStatement(sql: """
            SELECT count, sum_value, avg_value, m2_value, min_value, max_value FROM \(table)
            WHERE organization_id = ? AND metric_name = ? AND dimension = ? AND dimension_value = ? AND bucket = ?
            """)
        let upsert = try db.cachedStatement(sql: """
            INSERT OR REPLACE INTO \(table)
                (organization_id, metric_name, dimension, dimension_value, bucket, count, sum_value, avg_value, m2_value,
                 min_value, max_value, updated_at)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """)
        for (key, fresh) in rows {
            var aggregate = RollupAggregate()
            if let row = try Row.fetchOne(select, arguments: [key.organization, key.metric, key.dimension, key.value, key.bucket]) {
                aggregate = Self.aggregate(row)
            }
            aggregate.merge(fresh)
            guard aggregate.isFinite else {
                rejected.append(RejectedRollupBucket(organization: key.organization, metricName: key.metric, resolution: resolution,
                                                     bucket: Timestamp(microseconds: key.bucket), dimension: key.dimension,
                                                     dimensionValue: key.value))
                continue
            }
            try upsert.execute(arguments: [
                key.organization, key.metric, key.dimension, key.value, key.bucket, aggregate.count, aggregate.sum, aggregate.mean,
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

    public func dimensionRollups(
        metricName: String, dimension: String, resolution: RollupResolution, from: Timestamp?, to: Timestamp?,
        limit: Int, organization: OrganizationID
    ) async throws -> [DimensionRollupBucket] {
        let table = Self.dimensionTable(resolution)
        let arguments: StatementArguments = [
            organization.description, metricName, dimension, from?.microseconds ?? Int64.min, to?.microseconds ?? Int64.max,
            max(0, limit),
        ]
        return try await read { db in
            try Row.fetchAll(db, sql: """
                SELECT dimension_value, bucket, count, sum_value, avg_value, m2_value, min_value, max_value FROM \(table)
                WHERE organization_id = ? AND metric_name = ? AND dimension = ? AND bucket >= ? AND bucket < ?
                ORDER BY dimension_value, bucket LIMIT ?
                """, arguments: arguments).map { row in
                DimensionRollupBucket(value: row[0], start: Timestamp(microseconds: row[1]), aggregate: Self.aggregate(row, offset: 2))
            }
        }
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
