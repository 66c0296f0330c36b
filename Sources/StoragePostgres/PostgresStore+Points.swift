public import ChurnGuardCore
public import ChurnGuardStorage
import Foundation
import Logging
import PostgresNIO

extension PostgresStore: MetricStore {
    /// Advisory lock key: appends hold it shared; a rollup holds it exclusively for an instant
    /// to read its committed horizon, so it never folds past a sequence still uncommitted
    /// (which it would otherwise skip for ever).
    static let sequenceLockKey: Int64 = 0x6367_7365_7175_656e

    /// Microseconds since the epoch to `TIMESTAMPTZ`, exactly (bigint times an interval).
    static let microsToTime = "'epoch'::timestamptz + INTERVAL '1 microsecond' *"
    /// `TIMESTAMPTZ` to microseconds since the epoch, exactly (`extract` gives numeric).
    static func timeToMicros(_ column: String) -> String { "(extract(epoch FROM \(column)) * 1000000)::INT8" }

    /// Commits every batch in one transaction; before each batch the organization setting is
    /// switched to that batch's organization, so row-level security checks every row.
    @discardableResult
    public func append(_ batches: [PointBatch]) async throws -> [AppendOutcome] {
        guard batches.contains(where: { !$0.points.isEmpty }) else { return batches.map { _ in .stored } }
        return try await transaction(.schema) { connection, logger in
            try await connection.query("SELECT pg_advisory_xact_lock_shared(\(Self.sequenceLockKey))", logger: logger)
            var outcomes: [AppendOutcome] = []
            for batch in batches {
                try await connection.query(
                    "SELECT set_config('churnguard.organization_id', \(batch.organization.description), true)", logger: logger)
                if let claim = batch.idempotency {
                    let outcome = try await Self.claim(claim, batch: batch, connection: connection, logger: logger)
                    outcomes.append(outcome)
                    guard outcome == .stored else { continue }
                } else {
                    outcomes.append(.stored)
                }
                guard !batch.points.isEmpty else { continue }
                try await Self.insert(batch, connection: connection, logger: logger)
            }
            return outcomes
        }
    }

    /// Records an idempotency key inside the append's transaction (under the batch's tenant
    /// setting, as row-level security requires), or reports its earlier use.
    private static func claim(_ claim: IdempotencyClaim, batch: PointBatch, connection: PostgresConnection,
                              logger: Logger) async throws -> AppendOutcome {
        let organization = batch.organization.uuid
        let hash = Data(claim.bodyHash)
        let inserted = try await connection.query("""
            INSERT INTO ingest_idempotency (organization_id, idempotency_key, body_hash, accepted, created_at)
            VALUES (\(organization), \(claim.key), \(hash), \(batch.points.count), now())
            ON CONFLICT (organization_id, idempotency_key) DO NOTHING RETURNING accepted
            """, logger: logger)
        for try await _ in inserted.decode(Int.self) { return .stored }
        let earlier = try await connection.query("""
            SELECT body_hash, accepted FROM ingest_idempotency
            WHERE organization_id = \(organization) AND idempotency_key = \(claim.key)
            """, logger: logger)
        for try await (storedHash, accepted) in earlier.decode((Data, Int).self) {
            return storedHash == hash ? .replayed(accepted: accepted) : .keyReused
        }
        return .keyReused
    }

    public func expireIdempotencyKeys(before cutoff: Timestamp) async throws -> Int {
        try await transaction(.system) { connection, logger in
            let rows = try await connection.query(
                "DELETE FROM ingest_idempotency WHERE created_at < \(cutoff.date) RETURNING 1", logger: logger)
            var removed = 0
            for try await _ in rows.decode(Int.self) { removed += 1 }
            return removed
        }
    }

    /// Inserts one organization's points with one multi-row statement (arrays bound in
    /// binary and unnested) and updates its catalog rows.
    private static func insert(_ batch: PointBatch, connection: PostgresConnection, logger: Logger) async throws {
        let points = batch.points
        let times = points.map(\.timestamp.microseconds)
        let names = points.map(\.metricName)
        let values = points.map(\.value)
        let tags = points.map { JSONText.encodeObject($0.tags) }
        // Empty text stands for "no metadata": it is never valid JSON, so nothing is lost.
        let metadata = points.map { $0.metadataJSON ?? "" }
        let organization = batch.organization.uuid
        var insert = PostgresQuery(unsafeSQL: """
            INSERT INTO time_series_data (timestamp, metric_name, organization_id, value, tags, metadata)
            SELECT \(Self.microsToTime) t, n, $1, v, g::jsonb, NULLIF(m, '')::json
            FROM unnest($2::INT8[], $3::TEXT[], $4::FLOAT8[], $5::TEXT[], $6::TEXT[]) AS p(t, n, v, g, m)
            """)
        insert.binds.append(organization)
        insert.binds.append(times)
        insert.binds.append(names)
        insert.binds.append(values)
        insert.binds.append(tags)
        insert.binds.append(metadata)
        try await connection.query(insert, logger: logger)
        var catalog = PostgresQuery(unsafeSQL: """
            INSERT INTO metric_catalog AS c (organization_id, metric_name, points, first_timestamp, last_timestamp)
            SELECT $1, n, count(*), min(t), max(t) FROM unnest($2::INT8[], $3::TEXT[]) AS p(t, n) GROUP BY n
            ON CONFLICT (organization_id, metric_name) DO UPDATE SET
                points = c.points + excluded.points,
                first_timestamp = LEAST(c.first_timestamp, excluded.first_timestamp),
                last_timestamp = GREATEST(c.last_timestamp, excluded.last_timestamp)
            """)
        catalog.binds.append(organization)
        catalog.binds.append(times)
        catalog.binds.append(names)
        try await connection.query(catalog, logger: logger)
    }

    public func points(_ query: PointQuery, organization: OrganizationID) async throws -> PointPage {
        let limit = max(1, query.limit)
        let scanLimit = max(1, query.scanLimit)
        var range = "organization_id = $1 AND metric_name = $2"
        var binds = PostgresBindings()
        binds.append(organization.uuid)
        binds.append(query.metricName)
        if let from = query.from {
            binds.append(from.microseconds)
            range += " AND timestamp >= \(Self.microsToTime) $\(binds.count)::INT8"
        }
        if let to = query.to {
            binds.append(to.microseconds)
            range += " AND timestamp < \(Self.microsToTime) $\(binds.count)::INT8"
        }
        if let cursor = query.after {
            let after = try SequenceCursor(cursor)
            binds.append(after.timestamp.microseconds)
            binds.append(after.sequence)
            range += " AND (timestamp, id) > (\(Self.microsToTime) $\(binds.count - 1)::INT8, $\(binds.count)::INT8)"
        }
        let rangeBinds = binds
        let columns = "id, \(Self.timeToMicros("timestamp")) AS micros, value, tags::TEXT AS tags, metadata::TEXT AS metadata"
        var sql: String
        var boundStatement: PostgresQuery?
        if query.tags.isEmpty {
            sql = "SELECT \(columns) FROM time_series_data WHERE \(range) ORDER BY timestamp, id"
        } else {
            // Tag filters over a bounded scan of the series (see PointQuery.scanLimit).
            binds.append(Int64(scanLimit))
            let scan = "SELECT id, timestamp, value, tags, metadata FROM time_series_data WHERE \(range) ORDER BY timestamp, id LIMIT $\(binds.count)"
            binds.append(JSONText.encodeObject(query.tags))
            sql = "SELECT \(columns) FROM (\(scan)) AS scanned WHERE tags @> $\(binds.count)::jsonb ORDER BY timestamp, id"
            var boundBinds = rangeBinds
            boundBinds.append(Int64(scanLimit - 1))
            boundStatement = PostgresQuery(unsafeSQL: """
                SELECT id, \(Self.timeToMicros("timestamp")) FROM time_series_data WHERE \(range)
                ORDER BY timestamp, id LIMIT 1 OFFSET $\(boundBinds.count)
                """, binds: boundBinds)
        }
        binds.append(Int64(limit + 1))
        sql += " LIMIT $\(binds.count)"
        let statement = PostgresQuery(unsafeSQL: sql, binds: binds)
        let bound = boundStatement
        let metricName = query.metricName
        let (rows, lastScanned) = try await transaction(.tenant(organization)) { connection, logger -> ([StoredPoint], SequenceCursor?) in
            var points: [StoredPoint] = []
            let rows = try await connection.query(statement, logger: logger)
            for try await (id, micros, value, tags, metadata) in rows.decode((Int64, Int64, Double, String, String?).self) {
                points.append(StoredPoint(sequence: id, point: MetricPoint(
                    metricName: metricName, timestamp: Timestamp(microseconds: micros), value: value,
                    tags: JSONText.decodeStringObject(tags) ?? [:], metadataJSON: metadata)))
            }
            guard points.count <= limit, let bound else { return (points, nil) }
            var last: SequenceCursor?
            for try await (id, micros) in try await connection.query(bound, logger: logger).decode((Int64, Int64).self) {
                last = SequenceCursor(timestamp: Timestamp(microseconds: micros), sequence: id)
            }
            return (points, last)
        }
        return PointPage.assemble(rows, limit: limit, lastScanned: lastScanned)
    }

    public func metrics(organization: OrganizationID) async throws -> [MetricSummary] {
        try await transaction(.tenant(organization)) { connection, logger in
            let rows = try await connection.query("""
                SELECT metric_name, points, first_timestamp, last_timestamp FROM metric_catalog
                WHERE organization_id = \(organization.uuid) AND points > 0 ORDER BY metric_name
                """, logger: logger)
            var summaries: [MetricSummary] = []
            for try await (name, count, first, last) in rows.decode((String, Int64, Int64, Int64).self) {
                summaries.append(MetricSummary(metricName: name, points: count, firstTimestamp: Timestamp(microseconds: first),
                                               lastTimestamp: Timestamp(microseconds: last)))
            }
            return summaries
        }
    }
}
