public import ChurnGuardCore
public import ChurnGuardStorage
import Foundation
import Logging
import PostgresNIO

extension PostgresStore: RollupStore {
    /// One series' bucket.
    struct BucketKey: Hashable {
        var organization: UUID
        var metric: String
        var bucket: Int64
    }

    /// Folds points past the watermark in id order, up to the *committed horizon*: a sequence
    /// with nothing uncommitted below it. PostgreSQL assigns sequences before commit, so a
    /// rollup reading id 10 while id 9 is still uncommitted would skip 9 for ever. The horizon
    /// is read in a transaction of its own under the sequence lock held exclusively (appends
    /// hold it shared), which waits only for the appends in flight, for an instant; the fold
    /// itself then runs without blocking ingest. A horizon stays valid for good, so it is
    /// refreshed only when the backlog below it would not fill this call. Concurrent rollups
    /// take turns on the watermark row (`FOR UPDATE`), so no point is folded twice.
    public func foldNewPoints(maxPoints: Int, dimensions: RollupDimensions) async throws -> RollupRun {
        let limit = Int64(max(1, maxPoints))
        var horizon = rollupHorizon.withLock { $0 }
        if try await currentWatermark() + limit > horizon {
            horizon = try await committedHorizon()
        }
        let bound = horizon
        let names = dimensions.names
        return try await transaction(.system) { connection, logger in
            var watermark: Int64 = 0
            let state = try await connection.query("SELECT watermark FROM rollup_state WHERE id = 1 FOR UPDATE", logger: logger)
            for try await value in state.decode(Int64.self) { watermark = value }
            guard watermark < bound else { return RollupRun(folded: 0) }
            // $1 watermark, $2 horizon, $3 limit, then one bound tag key per dimension.
            let tagColumns = names.indices.map { ", tags->>($\($0 + 4)::TEXT)" }.joined()
            var select = PostgresQuery(unsafeSQL: """
                SELECT id, organization_id, metric_name, \(Self.timeToMicros("timestamp")), value\(tagColumns)
                FROM time_series_data WHERE id > $1 AND id <= $2 ORDER BY id LIMIT $3
                """)
            select.binds.append(watermark)
            select.binds.append(bound)
            select.binds.append(limit)
            for name in names { select.binds.append(name) }
            let rows = try await connection.query(select, logger: logger)
            var hours: [BucketKey: RollupAggregate] = [:]
            var groups = DimensionRollupDelta<UUID>(dimensions: dimensions)
            var last = watermark
            var folded = 0
            for try await row in rows {
                let columns = row.makeRandomAccess()
                let id = try columns[0].decode(Int64.self)
                let organization = try columns[1].decode(UUID.self)
                let metric = try columns[2].decode(String.self)
                let micros = try columns[3].decode(Int64.self)
                let value = try columns[4].decode(Double.self)
                let hour = RollupResolution.hour.bucketStart(of: Timestamp(microseconds: micros)).microseconds
                hours[BucketKey(organization: organization, metric: metric, bucket: hour), default: RollupAggregate()].add(value)
                for index in names.indices {
                    guard let tag = try columns[5 + index].decode(String?.self) else { continue }
                    groups.add(organization: organization, metric: metric, dimension: names[index], raw: tag, hour: hour, value: value)
                }
                last = id
                folded += 1
            }
            guard folded > 0 else { return RollupRun(folded: 0) }
            var days: [BucketKey: RollupAggregate] = [:]
            for (key, aggregate) in hours {
                let day = RollupResolution.day.bucketStart(of: Timestamp(microseconds: key.bucket)).microseconds
                days[BucketKey(organization: key.organization, metric: key.metric, bucket: day), default: RollupAggregate()]
                    .merge(aggregate)
            }
            var rejected = try await Self.merge(hours, into: .hour, connection: connection, logger: logger)
            rejected += try await Self.merge(days, into: .day, connection: connection, logger: logger)
            rejected += try await Self.mergeGroups(groups, connection: connection, logger: logger)
            try await connection.query(
                "UPDATE rollup_state SET watermark = \(last), updated_at = now() WHERE id = 1", logger: logger)
            return RollupRun(folded: folded, rejected: rejected)
        }
    }

    /// The rollup watermark as last committed (read without locking).
    private func currentWatermark() async throws -> Int64 {
        try await transaction(.system) { connection, logger in
            let rows = try await connection.query("SELECT watermark FROM rollup_state WHERE id = 1", logger: logger)
            for try await value in rows.decode(Int64.self) { return value }
            return 0
        }
    }

    /// Takes the sequence lock exclusively, which waits until no append is in flight, and
    /// reads the highest stored sequence: every point at or below it is committed (or was
    /// never stored). Raises the cached horizon and returns it.
    private func committedHorizon() async throws -> Int64 {
        let fresh = try await transaction(.system) { connection, logger in
            try await connection.query("SELECT pg_advisory_xact_lock(\(Self.sequenceLockKey))", logger: logger)
            let rows = try await connection.query("SELECT COALESCE(max(id), 0)::INT8 FROM time_series_data", logger: logger)
            for try await value in rows.decode(Int64.self) { return value }
            return 0
        }
        return rollupHorizon.withLock { cached in
            cached = max(cached, fresh)
            return cached
        }
    }

    /// The rollup table of a resolution (a constant).
    static func table(_ resolution: RollupResolution) -> String {
        resolution == .hour ? "hourly_metrics" : "daily_metrics"
    }

    /// Reads the stored rows of `fresh`'s keys, merges, and writes them back, one statement
    /// each way; a bucket whose merged summary is not finite is left as it was and returned.
    private static func merge(_ fresh: [BucketKey: RollupAggregate], into resolution: RollupResolution,
                              connection: PostgresConnection, logger: Logger) async throws -> [RejectedRollupBucket] {
        let keys = Array(fresh.keys)
        var select = PostgresQuery(unsafeSQL: """
            SELECT r.organization_id, r.metric_name, r.bucket, r.count, r.sum_value, r.avg_value, r.m2_value, r.min_value, r.max_value
            FROM \(table(resolution)) r
            JOIN unnest($1::UUID[], $2::TEXT[], $3::INT8[]) AS k(o, n, b) ON r.organization_id = k.o AND r.metric_name = k.n AND r.bucket = k.b
            FOR UPDATE OF r
            """)
        select.binds.append(keys.map(\.organization))
        select.binds.append(keys.map(\.metric))
        select.binds.append(keys.map(\.bucket))
        var merged = fresh
        let stored = try await connection.query(select, logger: logger)
        let columns = (UUID, String, Int64, Int64, Double, Double, Double, Double, Double).self
        for try await (organization, metric, bucket, count, sum, mean, m2, low, high) in stored.decode(columns) {
            let key = BucketKey(organization: organization, metric: metric, bucket: bucket)
            var aggregate = RollupAggregate(count: count, sum: sum, mean: mean, m2: m2, min: low, max: high)
            aggregate.merge(fresh[key] ?? RollupAggregate())
            merged[key] = aggregate
        }
        var rejected: [RejectedRollupBucket] = []
        let rows = Array(merged.filter { key, aggregate in
            guard !aggregate.isFinite else { return true }
            rejected.append(RejectedRollupBucket(organization: key.organization.uuidString.lowercased(), metricName: key.metric,
                                                 resolution: resolution, bucket: Timestamp(microseconds: key.bucket)))
            return false
        })
        guard !rows.isEmpty else { return rejected }
        var upsert = PostgresQuery(unsafeSQL: """
            INSERT INTO \(table(resolution)) AS r
                (organization_id, metric_name, bucket, count, sum_value, avg_value, m2_value, min_value, max_value, updated_at)
            SELECT o, n, b, c, s, a, m, lo, hi, now()
            FROM unnest($1::UUID[], $2::TEXT[], $3::INT8[], $4::INT8[], $5::FLOAT8[], $6::FLOAT8[], $7::FLOAT8[], $8::FLOAT8[], $9::FLOAT8[])
                AS k(o, n, b, c, s, a, m, lo, hi)
            ON CONFLICT (organization_id, metric_name, bucket) DO UPDATE SET
                count = excluded.count, sum_value = excluded.sum_value, avg_value = excluded.avg_value,
                m2_value = excluded.m2_value, min_value = excluded.min_value, max_value = excluded.max_value, updated_at = now()
            """)
        upsert.binds.append(rows.map(\.key.organization))
        upsert.binds.append(rows.map(\.key.metric))
        upsert.binds.append(rows.map(\.key.bucket))
        upsert.binds.append(rows.map(\.value.count))
        upsert.binds.append(rows.map(\.value.sum))
        upsert.binds.append(rows.map(\.value.mean))
        upsert.binds.append(rows.map(\.value.m2))
        upsert.binds.append(rows.map(\.value.min))
        upsert.binds.append(rows.map(\.value.max))
        try await connection.query(upsert, logger: logger)
        return rejected
    }

    public func rollups(
        metricName: String, resolution: RollupResolution, from: Timestamp?, to: Timestamp?,
        limit: Int, organization: OrganizationID
    ) async throws -> [RollupBucket] {
        var query = PostgresQuery(unsafeSQL: """
            SELECT bucket, count, sum_value, avg_value, m2_value, min_value, max_value FROM \(Self.table(resolution))
            WHERE organization_id = $1 AND metric_name = $2 AND bucket >= $3 AND bucket < $4
            ORDER BY bucket LIMIT $5
            """)
        query.binds.append(organization.uuid)
        query.binds.append(metricName)
        query.binds.append(from?.microseconds ?? Int64.min)
        query.binds.append(to?.microseconds ?? Int64.max)
        query.binds.append(Int64(max(0, limit)))
        let statement = query
        return try await transaction(.tenant(organization)) { connection, logger in
            var buckets: [RollupBucket] = []
            let rows = try await connection.query(statement, logger: logger)
            for try await (bucket, count, sum, mean, m2, low, high)
                in rows.decode((Int64, Int64, Double, Double, Double, Double, Double).self) {
                buckets.append(RollupBucket(start: Timestamp(microseconds: bucket),
                                            aggregate: RollupAggregate(count: count, sum: sum, mean: mean, m2: m2, min: low, max: high)))
            }
            return buckets
        }
    }
}
