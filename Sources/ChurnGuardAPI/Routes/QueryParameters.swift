import ChurnGuardCore
import ChurnGuardStorage
import Foundation
import Hummingbird

/// Reads and validates query parameters, naming the parameter in every error.
enum QueryParameters {
    /// `from`, `to` (RFC 3339 or epoch seconds), `limit`, `cursor`, `tag.KEY=VALUE`.
    static func pointQuery(metricName: String, from parameters: Parameters, options: APIOptions) throws -> PointQuery {
        var problems: [ErrorDetail] = []
        var query = PointQuery(metricName: metricName, from: time("from", in: parameters, problems: &problems),
                               to: time("to", in: parameters, problems: &problems), limit: options.defaultPageSize)
        if let text = parameters.get("limit") {
            if let limit = Int(text), (1...options.maxPageSize).contains(limit) {
                query.limit = limit
            } else {
                problems.append(ErrorDetail(field: "limit", message: "must be an integer from 1 to \(options.maxPageSize)"))
            }
        }
        if let text = parameters.get("cursor") {
            if let cursor = PointCursor(token: text) { query.after = cursor } else {
                problems.append(ErrorDetail(field: "cursor", message: "is not a cursor returned by this API"))
            }
        }
        query.tags = tagFilters(parameters, options: options, problems: &problems)
        guard problems.isEmpty else {
            throw ServiceError(.validation, code: "invalid_query", message: "invalid query parameters",
                               details: Array(problems.prefix(PointValidator.maxReportedProblems)))
        }
        return query
    }

    /// The `tag.KEY=VALUE` filters alone (422 naming each bad one).
    static func tagFilters(_ parameters: Parameters, options: APIOptions) throws -> [String: String] {
        var problems: [ErrorDetail] = []
        let tags = tagFilters(parameters, options: options, problems: &problems)
        guard problems.isEmpty else {
            throw ServiceError(.validation, code: "invalid_query", message: "invalid query parameters",
                               details: Array(problems.prefix(PointValidator.maxReportedProblems)))
        }
        return tags
    }

    /// The `tag.KEY=VALUE` filters; each bad one adds a problem naming it.
    static func tagFilters(_ parameters: Parameters, options: APIOptions, problems: inout [ErrorDetail]) -> [String: String] {
        var tags: [String: String] = [:]
        let validator = PointValidator(limits: options.validation)
        var filters = 0
        for (rawKey, rawValue) in parameters {
            let key = String(rawKey).removingPercentEncoding ?? String(rawKey)
            guard key.hasPrefix("tag.") else { continue }
            filters += 1
            guard filters <= options.validation.maxTagFilters else { continue }
            let tag = String(key.dropFirst(4))
            let value = String(rawValue)
            if let problem = validator.tagKeyProblem(tag) {
                problems.append(ErrorDetail(field: String(key.prefix(68)), message: problem))
            } else if let problem = validator.tagValueProblem(value) {
                problems.append(ErrorDetail(field: key, message: problem))
            } else if tags[tag] != nil, tags[tag] != value {
                problems.append(ErrorDetail(field: key, message: "is given twice with different values"))
            } else {
                tags[tag] = value
            }
        }
        if filters > options.validation.maxTagFilters {
            problems.append(ErrorDetail(field: "tag", message: "at most \(options.validation.maxTagFilters) tag filters are allowed (got \(filters))"))
        }
        return tags
    }

    /// The `:name` path parameter, checked as a metric name (422 naming `name` otherwise).
    static func metricName(_ context: OrganizationContext, options: APIOptions) throws -> String {
        let name = context.parameters.get("name") ?? ""
        if let problem = PointValidator(limits: options.validation).metricNameProblem(name) {
            throw ServiceError(.validation, code: "invalid_query", message: "invalid metric name",
                               details: [ErrorDetail(field: "name", message: problem)])
        }
        return name
    }

    /// A time parameter (RFC 3339 or epoch seconds), or `nil` when absent; a malformed one
    /// adds a problem naming it.
    static func time(_ name: String, in parameters: Parameters, problems: inout [ErrorDetail]) -> Timestamp? {
        guard let text = parameters.get(name) else { return nil }
        if let parsed = Timestamp(text: text) { return parsed }
        problems.append(ErrorDetail(field: name, message: "must be RFC 3339 or epoch seconds"))
        return nil
    }
}
