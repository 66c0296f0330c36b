import ChurnGuardCore
import ChurnGuardEngine
import ChurnGuardStorage
import Foundation
import Hummingbird

/// The stored anomalies of the caller's organization: listing (filters, cursor pages, the
/// organization's precision from feedback), one anomaly, and feedback that tunes its series.
struct AnomalyRoutes {
    let store: any AnomalyStore
    let options: APIOptions

    /// Longest feedback comment accepted.
    static let maxCommentLength = 2000
    /// Largest page.
    static let maxPageSize = 1000

    func register(on tenant: RouterGroup<OrganizationContext>) {
        tenant.get("analytics/anomalies") { request, context in try await list(request, context: context) }
        tenant.get("analytics/anomalies/:id") { _, context in try await anomaly(context) }
        tenant.post("analytics/anomalies/:id/feedback") { request, context in try await feedback(request, context: context) }
    }

    /// The page, and the organization's feedback counts and precision.
    struct ListJSON: Encodable {
        let anomalies: [AnomalyJSON]
        let next_cursor: String?
        let feedback: FeedbackSummaryJSON
    }

    /// Feedback counts by status and the precision they give.
    struct FeedbackSummaryJSON: Encodable {
        let open: Int
        let true_positive: Int
        let false_positive: Int
        let expected: Int
        let new_normal: Int
        /// Share of reviewed anomalies that were real (true positive, expected event or new
        /// normal): nil before any feedback.
        let precision: Double?

        init(_ counts: [AnomalyStatus: Int]) {
            open = counts[.open] ?? 0
            true_positive = counts[.truePositive] ?? 0
            false_positive = counts[.falsePositive] ?? 0
            expected = counts[.expected] ?? 0
            new_normal = counts[.newNormal] ?? 0
            let real = true_positive + expected + new_normal
            precision = real + false_positive == 0 ? nil : Double(real) / Double(real + false_positive)
        }
    }

    func list(_ request: Request, context: OrganizationContext) async throws -> Response {
        let query = try Self.query(request.uri.queryParameters, options: options)
        let page = try await store.anomalies(query, organization: context.organization)
        let counts = try await store.anomalyStatusCounts(organization: context.organization)
        return try JSONResponse.make(.ok, ListJSON(anomalies: page.anomalies.map { AnomalyJSON($0) }, next_cursor: page.nextCursor?.token,
                                                   feedback: FeedbackSummaryJSON(counts)))
    }

    func anomaly(_ context: OrganizationContext) async throws -> Response {
        let id = context.parameters.get("id") ?? ""
        guard let anomaly = try await store.anomaly(id: id, organization: context.organization) else { throw Self.notFound(id) }
        return try JSONResponse.make(.ok, AnomalyJSON(anomaly))
    }

    /// The anomaly after feedback, with its series' tuning now.
    struct FeedbackJSON: Encodable {
        let anomaly: AnomalyJSON
        let series_tuning: TuningJSON
    }

    /// A series' tuning.
    struct TuningJSON: Encodable {
        let sensitivity_factor: Double
        let baseline_from: String?
    }

    func feedback(_ request: Request, context: OrganizationContext) async throws -> Response {
        let id = context.parameters.get("id") ?? ""
        var request = request
        let body = try await request.collectBody(upTo: context.maxUploadSize)
        guard case .object(let object) = try JSONValue.parse(Data(buffer: body)) else {
            throw ServiceError(.malformed, code: "malformed_json", message: "the body must be a JSON object")
        }
        var problems: [ErrorDetail] = []
        let kinds = AnomalyFeedbackKind.allCases.map(\.rawValue).joined(separator: ", ")
        let kind = object["feedback"]?.string.flatMap(AnomalyFeedbackKind.init(rawValue:))
        if kind == nil { problems.append(ErrorDetail(field: "feedback", message: "must be one of \(kinds)")) }
        var comment: String?
        if let raw = object["comment"], raw != .null {
            if let text = raw.string, text.count <= Self.maxCommentLength { comment = text } else {
                problems.append(ErrorDetail(field: "comment", message: "must be text of at most \(Self.maxCommentLength) characters"))
            }
        }
        for key in object.keys where key != "feedback" && key != "comment" {
            problems.append(ErrorDetail(field: String(key.prefix(64)), message: "is not a known field (feedback, comment)"))
        }
        guard problems.isEmpty, let kind else {
            throw ServiceError(.validation, code: "invalid_feedback", message: "invalid anomaly feedback", details: problems)
        }
        guard let anomaly = try await store.anomaly(id: id, organization: context.organization) else { throw Self.notFound(id) }
        let states = try await store.anomalySeriesStates(metricName: anomaly.metricName, organization: context.organization)
        let current = states.first { $0.seriesKey == anomaly.seriesKey }?.tuning ?? AnomalySeriesTuning()
        let tuning = current.after(kind, on: anomaly)
        guard let updated = try await store.recordAnomalyFeedback(id: id, organization: context.organization, feedback: kind,
                                                                  comment: comment, at: options.now(), tuning: tuning) else {
            throw Self.notFound(id)
        }
        return try JSONResponse.make(.ok, FeedbackJSON(
            anomaly: AnomalyJSON(updated),
            series_tuning: TuningJSON(sensitivity_factor: tuning.sensitivityFactor, baseline_from: tuning.baselineFrom?.description)))
    }

    /// `metric`, `tag.KEY=VALUE`, `from`, `to`, `severity`, `status` and `level` (comma lists), `limit`, `cursor`.
    static func query(_ parameters: Parameters, options: APIOptions) throws -> AnomalyQuery {
        var problems: [ErrorDetail] = []
        var query = AnomalyQuery()
        if let metric = parameters.get("metric") {
            if let problem = PointValidator(limits: options.validation).metricNameProblem(metric) {
                problems.append(ErrorDetail(field: "metric", message: problem))
            }
            query.metricName = metric
        }
        query.tags = QueryParameters.tagFilters(parameters, options: options, problems: &problems)
        query.from = QueryParameters.time("from", in: parameters, problems: &problems)
        query.to = QueryParameters.time("to", in: parameters, problems: &problems)
        if let text = parameters.get("severity") {
            let values = text.split(separator: ",").map { AnomalySeverity(rawValue: String($0)) }
            if values.isEmpty || values.contains(nil) {
                problems.append(ErrorDetail(field: "severity", message: "must be a comma list of low, medium, high, critical"))
            } else { query.severities = Set(values.compactMap { $0 }) }
        }
        if let text = parameters.get("status") {
            let values = text.split(separator: ",").map { AnomalyStatus(rawValue: String($0)) }
            if values.isEmpty || values.contains(nil) {
                problems.append(ErrorDetail(field: "status", message: "must be a comma list of "
                    + AnomalyStatus.allCases.map(\.rawValue).joined(separator: ", ")))
            } else { query.statuses = Set(values.compactMap { $0 }) }
        }
        if let text = parameters.get("level") {
            // Empty items ("segment,") are refused, as the OpenAPI array form says.
            let values = text.split(separator: ",", omittingEmptySubsequences: false).map { AnomalyLevel(rawValue: String($0)) }
            if values.isEmpty || values.contains(nil) {
                problems.append(ErrorDetail(field: "level", message: "must be a comma list of "
                    + AnomalyLevel.allCases.map(\.rawValue).joined(separator: ", ")))
            } else { query.levels = Set(values.compactMap { $0 }) }
        }
        if let text = parameters.get("limit") {
            if let limit = Int(text), (1...maxPageSize).contains(limit) { query.limit = limit } else {
                problems.append(ErrorDetail(field: "limit", message: "must be an integer from 1 to \(maxPageSize)"))
            }
        }
        if let text = parameters.get("cursor") {
            do { query.after = try AnomalyCursor(token: text) } catch {
                problems.append(ErrorDetail(field: "cursor", message: "is not a cursor returned by this API"))
            }
        }
        guard problems.isEmpty else {
            throw ServiceError(.validation, code: "invalid_query", message: "invalid query parameters",
                               details: Array(problems.prefix(PointValidator.maxReportedProblems)))
        }
        return query
    }

    static func notFound(_ id: String) -> ServiceError {
        ServiceError(.notFound, code: "not_found", message: "the organization has no anomaly \(id.prefix(64))")
    }
}
