import ChurnGuardCore
import ChurnGuardEngine
import Foundation
import Hummingbird

/// `GET /api/v1/analytics/metrics/{name}/realtime`: the live windows of one metric of the
/// caller's organization (every series whose tags include the `tag.KEY=VALUE` filters), with
/// their rolling statistics, answered from memory by the ``RealtimeEngine``.
///
/// `limit` (1–1000, default 100) bounds the series returned, ordered by their tags;
/// `truncated` says more matched. 404 `not_live` when no series of the metric is live (none
/// received a point since start-up's rebuild window or within the idle-eviction interval);
/// 409 `live_series_limit` when none is live because the organization's live-series cap
/// refused them.
struct RealtimeRoutes {
    let engine: RealtimeEngine
    let options: APIOptions

    /// Most series in one answer.
    static let maxSeries = 1000

    func register(on group: RouterGroup<OrganizationContext>) {
        group.get("analytics/metrics/:name/realtime") { request, context in
            try realtime(request, context: context)
        }
    }

    func realtime(_ request: Request, context: OrganizationContext) throws -> Response {
        let name = try QueryParameters.metricName(context, options: options)
        let parameters = request.uri.queryParameters
        var limit = 100
        if let text = parameters.get("limit") {
            guard let value = Int(text), (1...Self.maxSeries).contains(value) else {
                throw ServiceError(.validation, code: "invalid_query", message: "invalid query parameters",
                                   details: [ErrorDetail(field: "limit", message: "must be an integer from 1 to \(Self.maxSeries)")])
            }
            limit = value
        }
        let filter = try QueryParameters.tagFilters(parameters, options: options)
        let snapshot = engine.snapshot(organization: context.organization, metricName: name, filter: filter, limit: limit)
        if snapshot.series.isEmpty {
            if snapshot.refusedByCap {
                throw ServiceError(.conflict, code: "live_series_limit", message:
                    "the organization has reached its limit of \(engine.options.maxSeriesPerOrganization) live series; "
                    + "series of \(name) are stored but not tracked live (real_time_engine.max_series_per_organization)")
            }
            throw ServiceError(.notFound, code: "not_live", message: "no live series of metric \(name) matches; a series is live from its first point "
                + "until it has received none for \(engine.options.cleanupIntervalSeconds) seconds")
        }
        return try JSONResponse.make(.ok, RealtimeJSON(metricName: name, snapshot: snapshot, capacity: engine.options.maxPointsPerSeries))
    }
}

/// The answer body of the realtime route (and the `stats` stream message's series entry).
struct RealtimeJSON: Encodable {
    let metric_name: String
    let window_capacity: Int
    let truncated: Bool
    let refused_series: Bool
    let series: [LiveSeriesJSON]

    init(metricName: String, snapshot: RealtimeEngine.Snapshot, capacity: Int) {
        metric_name = metricName
        window_capacity = capacity
        truncated = snapshot.truncated
        refused_series = snapshot.refusedByCap
        series = snapshot.series.map { LiveSeriesJSON(tags: $0.key.tags, statistics: $0.statistics) }
    }
}
