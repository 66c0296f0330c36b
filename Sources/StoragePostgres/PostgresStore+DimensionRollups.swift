public import ChurnGuardCore
public import ChurnGuardStorage
import Foundation
import Logging
import PostgresNIO

extension PostgresStore {
    /// One group's bucket key.
    typealias GroupKey = DimensionRollupDelta<UUID>.Key

    /// The dimension rollup table of a resolution (a constant).
    static func dimensionTable(_ resolution: RollupResolution) -> String {
        resolution == .hour ? "hourly_dimension_metrics" : "daily_dimension_metrics"
    }

    /// Groups a run's dimension summaries: loads the values already admitted for the
    /// organizations and dimensions met (the run holds the watermark row, so no other run
    /// admits meanwhile), stores the newly admitted ones and merges the group rows.
    static func mergeGroups(_ groups: DimensionRollupDelta<UUID>, connection: PostgresConnection,
                            logger: Logger) async throws -> [RejectedRollupBucket] {
        guard !groups.isEmpty else { return [] }
        let scopes = Array(groups.scopes)
        var load = PostgresQuery(unsafeSQL: """
            SELECT v.organization_id, v.dimension, v.dimension_value FROM rollup_dimension_values v
            JOIN unnest($1::UUID[], $2::TEXT[]) AS k(o, d) ON v.organization_id = k.o AND v.dimension = k.d
            """)
        load.binds.append(scopes.map(\.organization))
        load.binds.append(scopes.map(\.dimension))
        var admitted: [DimensionRollupDelta<UUID>.Scope: Set<String>] = [:]
        for try await (organization, dimension, value) in try await connection.query(load, logger: logger).decode((UUID, String, String).self) {
            admitted[DimensionRollupDelta<UUID>.Scope(organization: organization, dimension: dimension), default: []].insert(value)
        }
        let resolved = groups.resolve(admitted: admitted)
        let fresh = resolved.admitted.flatMap { scope, values in values.map { (scope, $0) } }
        if !fresh.isEmpty {
            var admit = PostgresQuery(unsafeSQL: """
                INSERT INTO rollup_dimension_values (organization_id, dimension, dimension_value)
                SELECT o, d, v FROM unnest($1::UUID[], $2::TEXT[], $3::TEXT[]) AS k(o, d, v)
                """)
            admit.binds.append(fresh.map(\.0.organization))
            admit.binds.append(fresh.map(\.0.dimension))
            admit.binds.append(fresh.map(\.1))
            try await connection.query(admit, logger: logger)
        }
        var rejected = try await mergeGroupRows(resolved.hourly, into: .hour, connection: connection, logger: logger)
        rejected += try await mergeGroupRows(resolved.daily, into: .day, connection: connection, logger: logger)
        return rejected
    }

    /// Reads the stored rows of `fresh`'s groups, merges, and writes them back, one statement
    /// each way; a bucket whose merged summary is not finite is left as it was and returned.
    private static func mergeGroupRows(_ fresh: [GroupKey: RollupAggregate], into resolution: RollupResolution,
                                       connection: PostgresConnection, logger: Logger) async throws -> [RejectedRollupBucket] {
        let keys = Array(fresh.keys)
        var select = PostgresQuery(unsafeSQL: """
            SELECT r.organization_id, r.metric_name, r.dimension, r.dimension_value, r.bucket,
                   r.count, r.sum_value, r.avg_value, r.m2_value, r.min_value, r.max_value
            FROM \(dimensionTable(resolution)) r
            JOIN unnest($1::UUID[], $2::TEXT[], $3::TEXT[], $4::TEXT[], $5::INT8[]) AS k(o, n, d, v, b)
              ON r.organization_id = k.o AND r.metric_name = k.n AND r.dimension = k.d AND r.dimension_value = k.v AND r.bucket = k.b
            FOR UPDATE OF r
            """)
        select.binds.append(keys.map(\.organization))
        select.binds.append(keys.map(\.metric))
        select.binds.append(keys.map(\.dimension))
        select.binds.append(keys.map(\.value))
        select.binds.append(keys.map(\.bucket))
        var merged = fresh
        let stored = try await connection.query(select, logger: logger)
        let columns = (UUID, String, String, String, Int64, Int64, Double, Double, Double, Double, Double).self
        for try await (organization, metric, dimension, value, bucket, count, sum, mean, m2, low, high) in stored.decode(columns) {
            let key = GroupKey(organization: organization, metric: metric, dimension: dimension, value: value, bucket: bucket)
            var aggregate = RollupAggregate(count: count, sum: sum, mean: mean, m2: m2, min: low, max: high)
            aggregate.merge(fresh[key] ?? RollupAggregate())
            merged[key] = aggregate
        }
        var rejected: [RejectedRollupBucket] = []
        let rows = Array(merged.filter { key, aggregate in
            guard !aggregate.isFinite else { return true }
            rejected.append(RejectedRollupBucket(organization: key.organization.uuidString.lowercased(), metricName: key.metric,
                                                 resolution: resolution, bucket: Timestamp(microseconds: key.bucket),
                                                 dimension: key.dimension, dimensionValue: key.value))
            return false
        })
        guard !rows.isEmpty else { return rejected }
        var upsert = PostgresQuery(unsafeSQL: """
            INSERT INTO \(dimensionTable(resolution)) AS r
                (organization_id, metric_name, dimension, dimension_value, bucket, count, sum_value, avg_value, m2_value,
                 min_value, max_value, updated_at)
            SELECT o, n, d, v, b, c, s, a, m, lo, hi, now()
            FROM unnest($1::UUID[], $2::TEXT[], $3::TEXT[], $4::TEXT[], $5::INT8[], $6::INT8[], $7::FLOAT8[], $8::FLOAT8[],
                        $9::FLOAT8[], $10::FLOAT8[], $11::FLOAT8[])
                AS k(o, n, d, v, b, c, s, a, m, lo, hi)
            ON CONFLICT (organization_id, metric_name, dimension, dimension_value, bucket) DO UPDATE SET
                count = excluded.count, sum_value = excluded.sum_value, avg_value = excluded.avg_value,
                m2_value = excluded.m2_value, min_value = excluded.min_value, max_value = excluded.max_value, updated_at = now()
            """)
        upsert.binds.append(rows.map(\.key.organization))
        upsert.binds.append(rows.map(\.key.metric))
        upsert.binds.append(rows.map(\.key.dimension))
        upsert.binds.append(rows.map(\.key.value))
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

    public func dimensionRollups(
        metricName: String, dimension: String, resolution: RollupResolution, from: Timestamp?, to: Timestamp?,
        limit: Int, organization: OrganizationID
    ) async throws -> [DimensionRollupBucket] {
        var query = PostgresQuery(unsafeSQL: """
            SELECT dimension_value, bucket, count, sum_value, avg_value, m2_value, min_value, max_value
            FROM \(Self.dimensionTable(resolution))
            WHERE organization_id = $1 AND metric_name = $2 AND dimension = $3 AND bucket >= $4 AND bucket < $5
            ORDER BY dimension_value, bucket LIMIT $6
            """)
        query.binds.append(organization.uuid)
        query.binds.append(metricName)
        query.binds.append(dimension)
        query.binds.append(from?.microseconds ?? Int64.min)
        query.binds.append(to?.microseconds ?? Int64.max)
        query.binds.append(Int64(max(0, limit)))
        let statement = query
        return try await transaction(.tenant(organization)) { connection, logger in
            var buckets: [DimensionRollupBucket] = []
            let rows = try await connection.query(statement, logger: logger)
            for try await (value, bucket, count, sum, mean, m2, low, high)
                in rows.decode((String, Int64, Int64, Double, Double, Double, Double, Double).self) {
                buckets.append(DimensionRollupBucket(
                    value: value, start: Timestamp(microseconds: bucket),
                    aggregate: RollupAggregate(count: count, sum: sum, mean: mean, m2: m2, min: low, max: high)))
            }
            return buckets
        }
    }

    /// Deletes at most `limit` dimension rollup rows of `resolution` older than `cutoff`.
    func expireDimensionRollups(_ resolution: RollupResolution, before cutoff: Timestamp, limit: Int64) async throws -> Int {
        var query = PostgresQuery(unsafeSQL: """
            WITH doomed AS (
                SELECT organization_id, metric_name, dimension, dimension_value, bucket FROM \(Self.dimensionTable(resolution))
                WHERE bucket < $1 LIMIT $2)
            DELETE FROM \(Self.dimensionTable(resolution)) r USING doomed d
            WHERE r.organization_id = d.organization_id AND r.metric_name = d.metric_name AND r.dimension = d.dimension
              AND r.dimension_value = d.dimension_value AND r.bucket = d.bucket
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
}
