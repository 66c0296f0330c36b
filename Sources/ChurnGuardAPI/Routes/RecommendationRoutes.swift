import ChurnGuardCore
import ChurnGuardEngine
import ChurnGuardStorage
import Foundation
import Hummingbird

/// The recommendation routes of the caller's organization: the ranked listing (cached per
/// organization, invalidated by runs and decisions), one recommendation with the anomalies and
/// insights behind it, and accept / dismiss (atomic in the store; 409 across decisions).
struct RecommendationRoutes {
    let runner: RecommendationRunner
    let backends: Backends
    let options: APIOptions

    /// Longest accept note.
    static let maxNoteLength = 2_000
    /// Longest dismiss reason.
    static let maxReasonLength = 500

    func register(on tenant: RouterGroup<OrganizationContext>) {
        tenant.get("recommendations") { request, context in try await list(request, context: context) }
        tenant.get("recommendations/:id") { _, context in try await one(context) }
        tenant.post("recommendations/:id/accept") { request, context in try await accept(request, context: context) }
        tenant.post("recommendations/:id/dismiss") { request, context in try await dismiss(request, context: context) }
    }

    func list(_ request: Request, context: OrganizationContext) async throws -> Response {
        let query = try Self.query(request.uri.queryParameters, maximum: runner.settings.maxPerOrganization)
        let key = [query.category?.rawValue ?? "", query.status?.rawValue ?? "", "\(query.limit)"].joined(separator: "\u{1F}")
        let now = options.now()
        if let cached = runner.cache.get(key, organization: context.organization, now: now) {
            return try JSONResponse.make(.ok, ["recommendations": cached.map(RecommendationJSON.init)])
        }
        let found = try await backends.recommendations.recommendations(query, organization: context.organization)
        runner.cache.put(key, organization: context.organization, found, now: now)
        return try JSONResponse.make(.ok, ["recommendations": found.map(RecommendationJSON.init)])
    }

    /// A recommendation with its chain.
    struct ChainedJSON: Encodable {
        let recommendation: RecommendationJSON
        let chain: Chain

        struct Chain: Encodable {
            let anomalies: [AnomalyJSON]
            let insights: [InsightJSON]
        }

        enum CodingKeys: String, CodingKey { case chain }

        func encode(to encoder: any Encoder) throws {
            try recommendation.encode(to: encoder)
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(chain, forKey: .chain)
        }
    }

    func one(_ context: OrganizationContext) async throws -> Response {
        let id = context.parameters.get("id") ?? ""
        guard let recommendation = try await backends.recommendations.recommendation(id: id, organization: context.organization) else {
            throw Self.notFound(id)
        }
        var anomalies: [AnomalyJSON] = []
        for anomalyID in recommendation.anomalyIDs {
            if let anomaly = try await backends.anomalies.anomaly(id: anomalyID, organization: context.organization) {
                anomalies.append(AnomalyJSON(anomaly))
            }
        }
        var insights: [InsightJSON] = []
        for insightID in recommendation.insightIDs {
            if let insight = try await backends.insights.insight(id: insightID, organization: context.organization) {
                insights.append(InsightJSON(insight))
            }
        }
        return try JSONResponse.make(.ok, ChainedJSON(recommendation: RecommendationJSON(recommendation),
                                                      chain: .init(anomalies: anomalies, insights: insights)))
    }

    func accept(_ request: Request, context: OrganizationContext) async throws -> Response {
        let id = context.parameters.get("id") ?? ""
        let object = try await Self.bodyObject(request, context: context, optional: true)
        var problems: [ErrorDetail] = []
        var customers: [String] = []
        if let raw = object["customers"], raw != .null {
            if case .array(let items) = raw, !items.isEmpty, items.count <= Recommendation.maxStoredCustomers {
                for (index, item) in items.enumerated() {
                    guard let text = item.string, !text.isEmpty, text.utf8.count <= 256 else {
                        problems.append(ErrorDetail(index: index, field: "customers", message: "must be a customer id (text of 1 to 256 bytes)"))
                        continue
                    }
                    customers.append(text)
                }
                if Set(customers).count != customers.count {
                    problems.append(ErrorDetail(field: "customers", message: "must not repeat a customer"))
                }
            } else {
                problems.append(ErrorDetail(field: "customers", message: "must be a list of 1 to \(Recommendation.maxStoredCustomers) customer ids"))
            }
        }
        let note = Self.optionalText(object["note"], field: "note", maxLength: Self.maxNoteLength, problems: &problems)
        for key in object.keys.sorted() where key != "customers" && key != "note" {
            problems.append(ErrorDetail(field: String(key.prefix(64)), message: "is not a known field (customers, note)"))
        }
        guard problems.isEmpty else {
            throw ServiceError(.validation, code: "invalid_acceptance", message: "invalid acceptance", details: problems)
        }
        guard let current = try await backends.recommendations.recommendation(id: id, organization: context.organization) else {
            throw Self.notFound(id)
        }
        let known = Set(current.customers)
        let unknown = customers.enumerated().filter { !known.contains($0.element) }
        if current.status == .open, !unknown.isEmpty {
            throw ServiceError(.validation, code: "invalid_acceptance", message: "customers must be among the recommendation's affected customers",
                               details: unknown.prefix(20).map { ErrorDetail(index: $0.offset, field: "customers", message: "is not an affected customer") })
        }
        return try await transition(id, context: context, .accept(customers: customers, note: note, at: options.now()))
    }

    func dismiss(_ request: Request, context: OrganizationContext) async throws -> Response {
        let id = context.parameters.get("id") ?? ""
        let object = try await Self.bodyObject(request, context: context, optional: false)
        var problems: [ErrorDetail] = []
        var reason: String?
        if let text = object["reason"]?.string, !text.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty, text.count <= Self.maxReasonLength {
            reason = text
        } else {
            problems.append(ErrorDetail(field: "reason", message: "is required: text of 1 to \(Self.maxReasonLength) characters"))
        }
        for key in object.keys.sorted() where key != "reason" {
            problems.append(ErrorDetail(field: String(key.prefix(64)), message: "is not a known field (reason)"))
        }
        guard problems.isEmpty, let reason else {
            throw ServiceError(.validation, code: "invalid_dismissal", message: "invalid dismissal", details: problems)
        }
        return try await transition(id, context: context, .dismiss(reason: reason, at: options.now()))
    }

    func transition(_ id: String, context: OrganizationContext, _ change: RecommendationTransition) async throws -> Response {
        do {
            guard let updated = try await backends.recommendations.updateRecommendation(id: id, organization: context.organization, change) else {
                throw Self.notFound(id)
            }
            runner.cache.invalidate(context.organization)
            return try JSONResponse.make(.ok, RecommendationJSON(updated))
        } catch StoreError.conflict(let message) {
            throw ServiceError(.conflict, code: "recommendation_decided", message: "\(message); a decision is final")
        }
    }

    /// The body as a JSON object; an empty body is `{}` when `optional`.
    static func bodyObject(_ request: Request, context: OrganizationContext, optional: Bool) async throws -> [String: JSONValue] {
        var request = request
        let body = try await request.collectBody(upTo: context.maxUploadSize)
        if body.readableBytes == 0, optional { return [:] }
        guard case .object(let object) = try JSONValue.parse(Data(buffer: body)) else {
            throw ServiceError(.malformed, code: "malformed_json", message: "the body must be a JSON object")
        }
        return object
    }

    static func optionalText(_ raw: JSONValue?, field: String, maxLength: Int, problems: inout [ErrorDetail]) -> String? {
        guard let raw, raw != .null else { return nil }
        if let text = raw.string, text.count <= maxLength { return text }
        problems.append(ErrorDetail(field: field, message: "must be text of at most \(maxLength) characters"))
        return nil
    }

    /// `category`, `status`, `limit` (1…1000, default 50, at most `maximum` kept anyway).
    static func query(_ parameters: Parameters, maximum: Int) throws -> RecommendationQuery {
        var problems: [ErrorDetail] = []
        var query = RecommendationQuery(limit: 50)
        if let text = parameters.get("category") {
            if let category = RecommendationCategory(rawValue: text) { query.category = category } else {
                problems.append(ErrorDetail(field: "category", message: "must be one of \(RecommendationCategory.allCases.map(\.rawValue).joined(separator: ", "))"))
            }
        }
        if let text = parameters.get("status") {
            if let status = RecommendationStatus(rawValue: text) { query.status = status } else {
                problems.append(ErrorDetail(field: "status", message: "must be open, accepted or dismissed"))
            }
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

    static func notFound(_ id: String) -> ServiceError {
        ServiceError(.notFound, code: "not_found", message: "the organization has no recommendation \(id.prefix(64))")
    }
}
