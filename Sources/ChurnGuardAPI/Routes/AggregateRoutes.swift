import ChurnGuardCore
import ChurnGuardStorage
import Foundation
import Hummingbird

/// `GET /api/v1/analytics/metrics/{name}/aggregates`: hourly or daily rollups of one metric of
/// the caller's organization, answered from the rollup tables only (raw points past their
/// retention are never recomputed or invented).
///
/// `resolution=auto` (the default) picks `hour` when both `from` and `to` are given and span at
/// most three days (≤ 72 buckets), and `day` otherwise. `from` is aligned down to its bucket, so
/// the bucket holding `from` is included; buckets start before `to`. At most 10,000 buckets are
/// returned, oldest first (more than 13 months of hours; the default retention keeps 30 days).
///
/// `group_by=<dimension>` (one of `data_aggregation.dimensions`) answers the dimension rollups
/// instead: one entry per group value (values past the cap grouped as `other`), each with its
/// buckets, 10,000 buckets at most in all; an unconfigured dimension is 422 naming `group_by`.
struct AggregateRoutes {
    let store: any RollupStore
    let options: APIOptions
    let queryLimiter: QueryLimiter

    /// Longest span `auto` still answers with hours.
    static let autoHourSpan: Int64 = 3 * 86_400_000_000
    /// Most buckets in one answer.
    static let maxBuckets = 10_000

    func register(on group: RouterGroup<OrganizationContext>) {
        group.get("analytics/metrics/:name/aggregates") { request, context in
            try await aggregates(request, context: context)
        }
    }

    func aggregates(_ request: Request, context: OrganizationContext) async throws -> Response {
        let name = try QueryParameters.metricName(context, options: options)
        let parameters = request.uri.queryParameters
        var problems: [ErrorDetail] = []
        let from = QueryParameters.time("from", in: parameters, problems: &problems)
        let to = QueryParameters.time("to", in: parameters, problems: &problems)
        if let from, let to, from >= to {
            problems.append(ErrorDetail(field: "to", message: "must be later than from"))
        }
        let requested = parameters.get("resolution") ?? "auto"
        if requested != "auto" && RollupResolution(rawValue: requested) == nil {
            problems.append(ErrorDetail(field: "resolution", message: "must be hour, day or auto"))
        }
        let groupBy = parameters.get("group_by")
        if let groupBy, !options.rollupDimensions.contains(groupBy) {
            let known = options.rollupDimensions.names
            problems.append(ErrorDetail(field: "group_by", message: known.isEmpty
                ? "no dimension is configured (data_aggregation.dimensions)"
                : "must be one of the configured dimensions: \(known.joined(separator: ", "))"))
        }
        guard problems.isEmpty else {
            throw ServiceError(.validation, code: "invalid_query", message: "invalid query parameters", details: problems)
        }
        let resolution = RollupResolution(rawValue: requested) ?? Self.automaticResolution(from: from, to: to)
        if let groupBy {
            let buckets = try await queryLimiter.run(for: context.organization) {
                try await store.dimensionRollups(
                    metricName: name, dimension: groupBy, resolution: resolution, from: from.map(resolution.bucketStart(of:)), to: to,
                    limit: Self.maxBuckets, organization: context.organization)
            }
            return try JSONResponse.make(.ok, GroupedAggregatesJSON(metricName: name, resolution: resolution, dimension: groupBy,
                                                                    buckets: buckets))
        }
        let buckets = try await queryLimiter.run(for: context.organization) {
            try await store.rollups(
                metricName: name, resolution: resolution, from: from.map(resolution.bucketStart(of:)), to: to,
                limit: Self.maxBuckets, organization: context.organization)
        }
        return try JSONResponse.make(.ok, AggregatesJSON(metricName: name, resolution: resolution, buckets: buckets))
    }

    /// `hour` for a closed range of at most three days, else `day`.
    static func automaticResolution(from: Timestamp?, to: Timestamp?) -> RollupResolution {
        guard let from, let to, to.microseconds - from.microseconds <= autoHourSpan else { return .day }
        return .hour
    }
}

/// The answer body: `{"metric_name","resolution","buckets":[{"bucket","count","sum","avg","min","max","stddev"}]}`;
/// `stddev` is `null` for a bucket of one point.
struct AggregatesJSON: Encodable {
    struct Bucket: Encodable {
        let bucket: RollupBucket

        enum CodingKeys: String, CodingKey { case bucket, count, sum, avg, min, max, stddev }

        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            let aggregate = bucket.aggregate
            try container.encode(bucket.start.description, forKey: .bucket)
            try container.encode(aggregate.count, forKey: .count)
            try container.encode(aggregate.sum, forKey: .sum)
            try container.encode(aggregate.mean, forKey: .avg)
            try container.encode(aggregate.min, forKey: .min)
            try container.encode(aggregate.max, forKey: .max)
            try container.encode(aggregate.sampleStandardDeviation, forKey: .stddev)
        }
    }

    let metric_name: String
    let resolution: String
    let buckets: [Bucket]

    init(metricName: String, resolution: RollupResolution, buckets: [RollupBucket]) {
        metric_name = metricName
        self.resolution = resolution.rawValue
        self.buckets = buckets.map(Bucket.init(bucket:))
    }
}

/// The `group_by` answer body: `{"metric_name","resolution","group_by","groups":[{"value","buckets":[…]}]}`,
/// groups ordered by value, each group's buckets oldest first (the same bucket fields as without `group_by`).
struct GroupedAggregatesJSON: Encodable {
    struct Group: Encodable {
        let value: String
        let buckets: [AggregatesJSON.Bucket]
    }

    let metric_name: String
    let resolution: String
    let group_by: String
    let groups: [Group]

    init(metricName: String, resolution: RollupResolution, dimension: String, buckets: [DimensionRollupBucket]) {
        metric_name = metricName
        self.resolution = resolution.rawValue
        group_by = dimension
        var groups: [Group] = []
        var current: (value: String, buckets: [AggregatesJSON.Bucket])?
        for bucket in buckets {
            let row = AggregatesJSON.Bucket(bucket: RollupBucket(start: bucket.start, aggregate: bucket.aggregate))
            if current?.value == bucket.value {
                current?.buckets.append(row)
            } else {
                if let done = current { groups.append(Group(value: done.value, buckets: done.buckets)) }
                current = (bucket.value, [row])
            }
        }
        if let done = current { groups.append(Group(value: done.value, buckets: done.buckets)) }
        self.groups = groups
    }
}
