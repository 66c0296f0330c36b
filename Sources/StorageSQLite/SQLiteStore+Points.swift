public import ChurnGuardCore
public import ChurnGuardStorage
import Foundation
import GRDB
import GRDBSQLite

extension SQLiteStore: MetricStore {
    /// `SQLITE_TRANSIENT`: SQLite copies bound text before the call returns.
    private static let transient = unsafeBitCast(-1, to: sqlite3_destructor_type.self)

    @discardableResult
    public func append(_ batches: [PointBatch]) async throws -> [AppendOutcome] {
        guard batches.contains(where: { !$0.points.isEmpty }) else { return batches.map { _ in .stored } }
        let createdAt = Timestamp(Date()).microseconds
        return try await write { db in
            let insert = try db.cachedStatement(sql: """
                INSERT INTO time_series_data (timestamp, metric_name, organization_id, value, tags, metadata, created_at)
                VALUES (?, ?, ?, ?, ?, ?, ?)
                """)
            let raw = insert.sqliteStatement
            var catalog: [CatalogKey: CatalogDelta] = [:]
            var outcomes: [AppendOutcome] = []
            outcomes.reserveCapacity(batches.count)
            for batch in batches {
                let organization = batch.organization.description
                if let claim = batch.idempotency {
                    let outcome = try Self.claim(claim, organization: organization, accepted: batch.points.count, at: createdAt, db: db)
                    outcomes.append(outcome)
                    guard outcome == .stored else { continue }
                } else {
                    outcomes.append(.stored)
                }
                for point in batch.points {
                    sqlite3_reset(raw)
                    sqlite3_bind_int64(raw, 1, point.timestamp.microseconds)
                    sqlite3_bind_text(raw, 2, point.metricName, -1, Self.transient)
                    sqlite3_bind_text(raw, 3, organization, -1, Self.transient)
                    sqlite3_bind_double(raw, 4, point.value)
                    sqlite3_bind_text(raw, 5, JSONText.encodeObject(point.tags), -1, Self.transient)
                    if let metadata = point.metadataJSON {
                        sqlite3_bind_text(raw, 6, metadata, -1, Self.transient)
                    } else {
                        sqlite3_bind_null(raw, 6)
                    }
                    sqlite3_bind_int64(raw, 7, createdAt)
                    let code = sqlite3_step(raw)
                    guard code == SQLITE_DONE else {
                        throw DatabaseError(resultCode: ResultCode(rawValue: code), message: String(cString: sqlite3_errmsg(db.sqliteConnection)))
                    }
                    catalog[CatalogKey(organization: organization, metric: point.metricName), default: CatalogDelta()]
                        .add(point.timestamp.microseconds)
                }
            }
            let upsert = try db.cachedStatement(sql: """
                INSERT INTO metric_catalog (organization_id, metric_name, points, first_timestamp, last_timestamp)
                VALUES (?, ?, ?, ?, ?)
                ON CONFLICT (organization_id, metric_name) DO UPDATE SET
                    points = points + excluded.points,
                    first_timestamp = min(first_timestamp, excluded.first_timestamp),
                    last_timestamp = max(last_timestamp, excluded.last_timestamp)
                """)
            for (key, delta) in catalog {
                try upsert.execute(arguments: [key.organization, key.metric, delta.count, delta.first, delta.last])
            }
            return outcomes
        }
    }

    /// Records an idempotency key inside the append's transaction, or reports its earlier use.
    private static func claim(_ claim: IdempotencyClaim, organization: String, accepted: Int, at createdAt: Int64,
                              db: Database) throws -> AppendOutcome {
        try db.cachedStatement(sql: """
            INSERT INTO ingest_idempotency (organization_id, idempotency_key, body_hash, accepted, created_at)
            VALUES (?, ?, ?, ?, ?) ON CONFLICT (organization_id, idempotency_key) DO NOTHING
            """).execute(arguments: [organization, claim.key, Data(claim.bodyHash), accepted, createdAt])
        if db.changesCount > 0 { return .stored }
        guard let row = try Row.fetchOne(db.cachedStatement(sql: """
            SELECT body_hash, accepted FROM ingest_idempotency WHERE organization_id = ? AND idempotency_key = ?
            """), arguments: [organization, claim.key])
        else { return .keyReused }
        let hash: Data = row[0]
        return Array(hash) == claim.bodyHash ? .replayed(accepted: row[1]) : .keyReused
    }

    public func expireIdempotencyKeys(before cutoff: Timestamp) async throws -> Int {
        try await write { db in
            try db.execute(sql: "DELETE FROM ingest_idempotency WHERE created_at < ?", arguments: [cutoff.microseconds])
            return db.changesCount
        }
    }

    public func points(_ query: PointQuery, organization: OrganizationID) async throws -> PointPage {
        var range = "organization_id = ? AND metric_name = ?"
        var arguments: StatementArguments = [organization.description, query.metricName]
        if let from = query.from { range += " AND timestamp >= ?"; arguments += [from.microseconds] }
        if let to = query.to { range += " AND timestamp < ?"; arguments += [to.microseconds] }
        if let cursor = query.after {
            let after = try SequenceCursor(cursor)
            range += " AND (timestamp, id) > (?, ?)"
            arguments += [after.timestamp.microseconds, after.sequence]
        }
        let limit = max(1, query.limit)
        let scanLimit = max(1, query.scanLimit)
        var sql: String
        var pageArguments = arguments
        if query.tags.isEmpty {
            sql = "SELECT id, timestamp, value, tags, metadata FROM time_series_data WHERE \(range) ORDER BY timestamp, id LIMIT ?"
        } else {
            // Tag filters over a bounded scan of the series (see PointQuery.scanLimit).
            sql = """
                SELECT id, timestamp, value, tags, metadata FROM (
                    SELECT id, timestamp, value, tags, metadata FROM time_series_data WHERE \(range)
                    ORDER BY timestamp, id LIMIT ?)
                WHERE 1
                """
            pageArguments += [scanLimit]
            for (key, value) in query.tags.sorted(by: { $0.key < $1.key }) {
                sql += " AND json_extract(tags, ?) = ?"
                pageArguments += [Self.jsonPath(forTag: key), value]
            }
            sql += " ORDER BY timestamp, id LIMIT ?"
        }
        pageArguments += [limit + 1]
        let metricName = query.metricName
        let pageSQL = sql
        let finalArguments = pageArguments
        let boundSQL = query.tags.isEmpty ? nil
            : "SELECT timestamp, id FROM time_series_data WHERE \(range) ORDER BY timestamp, id LIMIT 1 OFFSET ?"
        let boundArguments = arguments + [scanLimit - 1]
        let (rows, lastScanned) = try await read { db -> ([StoredPoint], SequenceCursor?) in
            let rows = try Row.fetchAll(db, sql: pageSQL, arguments: finalArguments).map { row -> StoredPoint in
                let tagsText: String = row[3]
                return StoredPoint(sequence: row[0], point: MetricPoint(
                    metricName: metricName, timestamp: Timestamp(microseconds: row[1]), value: row[2],
                    tags: JSONText.decodeStringObject(tagsText) ?? [:], metadataJSON: row[4]))
            }
            guard rows.count <= limit, let boundSQL else { return (rows, nil) }
            let last = try Row.fetchOne(db, sql: boundSQL, arguments: boundArguments).map { row in
                SequenceCursor(timestamp: Timestamp(microseconds: row[0]), sequence: row[1])
            }
            return (rows, last)
        }
        return PointPage.assemble(rows, limit: limit, lastScanned: lastScanned)
    }

    public func metrics(organization: OrganizationID) async throws -> [MetricSummary] {
        try await read { db in
            try Row.fetchAll(db, sql: """
                SELECT metric_name, points, first_timestamp, last_timestamp FROM metric_catalog
                WHERE organization_id = ? AND points > 0 ORDER BY metric_name
                """, arguments: [organization.description]).map { row in
                MetricSummary(metricName: row[0], points: row[1],
                              firstTimestamp: Timestamp(microseconds: row[2]), lastTimestamp: Timestamp(microseconds: row[3]))
            }
        }
    }

    /// A JSON path selecting one tag; the key is quoted so no character of it is syntax.
    static func jsonPath(forTag key: String) -> String {
        var path = "$."
        JSONText.appendString(key, to: &path)
        return path
    }
}

private struct CatalogKey: Hashable {
    let organization: String
    let metric: String
}

private struct CatalogDelta {
    var count: Int64 = 0
    var first = Int64.max
    var last = Int64.min

    mutating func add(_ timestamp: Int64) {
        count += 1
        first = min(first, timestamp)
        last = max(last, timestamp)
    }
}
