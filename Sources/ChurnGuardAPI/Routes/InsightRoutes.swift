import ChurnGuardCore
import ChurnGuardEngine
import ChurnGuardStorage
import Foundation
import Hummingbird

/// The insight routes of the caller's organization: listing (cached per organization for
/// `insights.cache_ttl_seconds`, invalidated by every run), one insight, and an on-demand
/// generation run (one at a time per organization, bounded like the periodic run).
struct InsightRoutes {
    let runner: InsightRunner
    let store: any InsightStore
    let options: APIOptions

    func register(on tenant: RouterGroup<OrganizationContext>) {
        tenant.get("insights") { request, context in try await list(request, context: context) }
        tenant.get("insights/:id") { _, context in try await one(context) }
        tenant.post("insights/generate") { _, context in try await generate(context) }
    }

    func list(_ request: Request, context: OrganizationContext) async throws -> Response {
        let query = try Self.query(request.uri.queryParameters, options: options,
                                   threshold: runner.settings.confidenceThreshold)
        let key = Self.cacheKey(query)
        let now = options.now()
        if let cached = runner.cache.get(key, organization: context.organization, now: now) {
            return try JSONResponse.make(.ok, ["insights": cached.map(InsightJSON.init)])
        }
        let insights = try await store.insights(query, organization: context.organization, at: now)
        runner.cache.put(key, organization: context.organization, insights, now: now)
        return try JSONResponse.make(.ok, ["insights": insights.map(InsightJSON.init)])
    }

    func one(_ context: OrganizationContext) async throws -> Response {
        let id = context.parameters.get("id") ?? ""
        guard let insight = try await store.insight(id: id, organization: context.organization) else {
            throw ServiceError(.notFound, code: "not_found", message: "the organization has no insight \(id.prefix(64))")
        }
        return try JSONResponse.make(.ok, InsightJSON(insight))
    }

    func generate(_ context: OrganizationContext) async throws -> Response {
        do {
            let run = try await runner.run(organization: context.organization, asOf: options.now())
            return try JSONResponse.make(.ok, GenerateAnswer(insights: run.insights.map(InsightJSON.init),
                                                             created: run.created.count, skipped_metrics: run.skipped))
        } catch InsightRunner.RunError.busy {
            throw ServiceError(.conflict, code: "generation_in_progress",
                               message: "a generation run of this organization is in progress; retry when it has finished")
        }
    }

    struct GenerateAnswer: Encodable {
        let insights: [InsightJSON]
        let created: Int
        let skipped_metrics: [String]
    }

    /// `severity` (the least shown), `type` or `kind`, `metric`, `segment` (a tag value), `limit` (1…1000).
    static func query(_ parameters: Parameters, options: APIOptions, threshold: Double) throws -> InsightQuery {
        var problems: [ErrorDetail] = []
        var query = InsightQuery(minimumConfidence: threshold, limit: 50)
        if let text = parameters.get("severity") {
            if let severity = InsightSeverity(rawValue: text) { query.minimumSeverity = severity } else {
                problems.append(ErrorDetail(field: "severity", message: "must be low, medium, high or critical"))
            }
        }
        for field in ["type", "kind"] {
            guard let text = parameters.get(field) else { continue }
            if let kind = InsightKind(rawValue: text) { query.kind = kind } else {
                problems.append(ErrorDetail(field: field, message: "must be one of \(InsightKind.allCases.map(\.rawValue).joined(separator: ", "))"))
            }
        }
        let validator = PointValidator(limits: options.validation)
        if let metric = parameters.get("metric") {
            if let problem = validator.metricNameProblem(metric) { problems.append(ErrorDetail(field: "metric", message: problem)) }
            query.metricName = metric
        }
        if let segment = parameters.get("segment") {
            if let problem = validator.tagValueProblem(segment) { problems.append(ErrorDetail(field: "segment", message: problem)) }
            query.segmentValue = segment
        }
        if let text = parameters.get("limit") {
            if let limit = Int(text), (1...1000).contains(limit) { query.limit = limit } else {
                problems.append(ErrorDetail(field: "limit", message: "must be an integer from 1 to 1000"))
            }
        }
        guard problems.isEmpty else {
            throw ServiceError(.validation, code: "invalid_query", message: "invalid query parameters", details: problems)
        }
        return query
    }

    static func cacheKey(_ query: InsightQuery) -> String {
        [query.minimumSeverity?.rawValue ?? "", query.kind?.rawValue ?? "", query.metricName ?? "", query.segmentValue ?? "",
         "\(query.minimumConfidence)", "\(query.limit)"].joined(separator: "\u{1F}")
    }
}
