import ChurnGuardCore
import ChurnGuardEngine
import ChurnGuardStorage
import Foundation
import Hummingbird

/// The alert routes of the caller's organization: its rules (`alert-rules`) and its alerts
/// with their history, acknowledgement and snooze. Registered by ``registerRealtimeRoutes``.
struct AlertRoutes {
    let evaluator: AlertEvaluator
    let store: any AlertStore
    let options: APIOptions

    /// Most rules one organization may have.
    static let maxRules = 200
    /// Longest comment accepted.
    static let maxCommentLength = 2000
    /// Furthest snooze, in seconds (30 days).
    static let maxSnoozeSeconds: Int64 = 30 * 86_400

    // MARK: rules

    func listRules(_ context: OrganizationContext) async throws -> Response {
        let own = Set(await evaluator.ownRules(for: context.organization).map(\.id))
        let rules = await evaluator.rules(for: context.organization)
        return try JSONResponse.make(.ok, ["rules": rules.map { AlertRuleJSON.Out($0, source: own.contains($0.id) ? "organization" : "default") }])
    }

    func replaceRules(_ request: Request, context: OrganizationContext) async throws -> Response {
        guard case .object(let body) = try await json(request, context), case .array(let items)? = body["rules"], body.count == 1 else {
            throw ServiceError(.validation, code: "invalid_rules", message: "send {\"rules\": [...]}",
                               details: [ErrorDetail(field: "rules", message: "must be a list of rules")])
        }
        guard items.count <= Self.maxRules else {
            throw ServiceError(.validation, code: "invalid_rules", message: "too many rules",
                               details: [ErrorDetail(field: "rules", message: "at most \(Self.maxRules) rules")])
        }
        var problems: [ErrorDetail] = []
        var rules: [AlertRule] = []
        for (index, item) in items.enumerated() {
            guard case .object(let object) = item else {
                problems.append(ErrorDetail(index: index, field: "rules[\(index)]", message: "must be a rule object"))
                continue
            }
            if let rule = AlertRuleJSON.parse(object, id: nil, prefix: "rules[\(index)].", validation: options.validation, problems: &problems) {
                rules.append(rule)
            }
        }
        if Set(rules.map(\.id)).count != rules.count {
            problems.append(ErrorDetail(field: "rules", message: "rule ids must be unique"))
        }
        guard problems.isEmpty else {
            throw ServiceError(.validation, code: "invalid_rules", message: "invalid alert rules", details: Array(problems.prefix(PointValidator.maxReportedProblems)))
        }
        try await evaluator.replaceRules(rules, organization: context.organization)
        return try await listRules(context)
    }

    func putRule(_ request: Request, context: OrganizationContext) async throws -> Response {
        let id = context.parameters.get("id") ?? ""
        guard case .object(let object) = try await json(request, context) else {
            throw ServiceError(.validation, code: "invalid_rule", message: "send one rule object")
        }
        var problems: [ErrorDetail] = []
        guard let rule = AlertRuleJSON.parse(object, id: id, prefix: "", validation: options.validation, problems: &problems) else {
            throw ServiceError(.validation, code: "invalid_rule", message: "invalid alert rule", details: problems)
        }
        let own = await evaluator.ownRules(for: context.organization)
        if !own.contains(where: { $0.id == id }) && own.count >= Self.maxRules {
            throw ServiceError(.conflict, code: "too_many_rules", message: "an organization may have at most \(Self.maxRules) rules")
        }
        try await evaluator.putRule(rule, organization: context.organization)
        return try JSONResponse.make(.ok, AlertRuleJSON.Out(rule, source: "organization"))
    }

    func deleteRule(_ context: OrganizationContext) async throws -> Response {
        let id = context.parameters.get("id") ?? ""
        guard try await evaluator.deleteRule(id: id, organization: context.organization) else {
            throw ServiceError(.notFound, code: "not_found", message: "the organization has no rule \(id) of its own (defaults cannot be deleted; "
                + "put a rule with their id and \"enabled\": false to switch one off)")
        }
        return Response(status: .noContent)
    }

    // MARK: alerts

    func listAlerts(_ request: Request, context: OrganizationContext) async throws -> Response {
        let parameters = request.uri.queryParameters
        var problems: [ErrorDetail] = []
        var query = AlertQuery()
        if let state = parameters.get("state") {
            switch state {
            case "open": query.states = [.pending, .firing]
            case let text: if let state = AlertState(rawValue: text) { query.states = [state] } else {
                problems.append(ErrorDetail(field: "state", message: "must be pending, firing, resolved or open"))
            }
            }
        }
        if let metric = parameters.get("metric") {
            if let problem = PointValidator(limits: options.validation).metricNameProblem(metric) {
                problems.append(ErrorDetail(field: "metric", message: problem))
            }
            query.metricName = metric
        }
        if let customer = parameters.get("customer") {
            if let problem = PointValidator(limits: options.validation).tagValueProblem(customer) {
                problems.append(ErrorDetail(field: "customer", message: problem))
            }
            query.customerID = customer
        }
        if let text = parameters.get("limit") {
            if let limit = Int(text), (1...1000).contains(limit) { query.limit = limit } else {
                problems.append(ErrorDetail(field: "limit", message: "must be an integer from 1 to 1000"))
            }
        }
        guard problems.isEmpty else {
            throw ServiceError(.validation, code: "invalid_query", message: "invalid query parameters", details: problems)
        }
        let alerts = try await store.alerts(query, organization: context.organization)
        return try JSONResponse.make(.ok, ["alerts": alerts.map { AlertJSON($0) }])
    }

    func alert(_ context: OrganizationContext) async throws -> Response {
        let id = context.parameters.get("id") ?? ""
        guard let alert = try await store.alert(id: id, organization: context.organization) else { throw Self.notFound(id) }
        return try await withHistory(alert, context)
    }

    func acknowledge(_ request: Request, context: OrganizationContext) async throws -> Response {
        let id = context.parameters.get("id") ?? ""
        let body = try await optionalObject(request, context)
        let comment = try Self.comment(body)
        guard let alert = try await evaluator.acknowledge(id: id, organization: context.organization, comment: comment) else {
            throw Self.notFound(id)
        }
        return try await withHistory(alert, context)
    }

    func snooze(_ request: Request, context: OrganizationContext) async throws -> Response {
        let id = context.parameters.get("id") ?? ""
        let body = try await optionalObject(request, context)
        let comment = try Self.comment(body)
        let now = options.now()
        guard let text = body["until"]?.string, let until = Timestamp(text: text) else {
            throw ServiceError(.validation, code: "invalid_snooze", message: "invalid snooze",
                               details: [ErrorDetail(field: "until", message: "must be an RFC 3339 time (or epoch seconds as text)")])
        }
        guard until > now, until <= now.adding(seconds: Self.maxSnoozeSeconds) else {
            throw ServiceError(.validation, code: "invalid_snooze", message: "invalid snooze",
                               details: [ErrorDetail(field: "until", message: "must be in the future, at most 30 days ahead")])
        }
        guard let alert = try await evaluator.snooze(id: id, organization: context.organization, until: until, comment: comment) else {
            throw Self.notFound(id)
        }
        return try await withHistory(alert, context)
    }

    // MARK: helpers

    private func withHistory(_ alert: Alert, _ context: OrganizationContext) async throws -> Response {
        let history = try await store.alertHistory(id: alert.id, organization: context.organization)
        return try JSONResponse.make(.ok, AlertJSON(alert, history: history))
    }

    private func json(_ request: Request, _ context: OrganizationContext) async throws -> JSONValue {
        var request = request
        let body = try await request.collectBody(upTo: context.maxUploadSize)
        return try JSONValue.parse(Data(buffer: body))
    }

    private func optionalObject(_ request: Request, _ context: OrganizationContext) async throws -> [String: JSONValue] {
        var request = request
        let body = try await request.collectBody(upTo: context.maxUploadSize)
        if body.readableBytes == 0 { return [:] }
        guard case .object(let object) = try JSONValue.parse(Data(buffer: body)) else {
            throw ServiceError(.malformed, code: "malformed_json", message: "the body must be a JSON object")
        }
        return object
    }

    private static func comment(_ body: [String: JSONValue]) throws -> String? {
        guard let raw = body["comment"], raw != .null else { return nil }
        guard let text = raw.string, text.count <= maxCommentLength else {
            throw ServiceError(.validation, code: "invalid_comment", message: "invalid comment",
                               details: [ErrorDetail(field: "comment", message: "must be text of at most \(maxCommentLength) characters")])
        }
        return text
    }

    private static func notFound(_ id: String) -> ServiceError {
        ServiceError(.notFound, code: "not_found", message: "the organization has no alert \(id.prefix(64))")
    }
}
