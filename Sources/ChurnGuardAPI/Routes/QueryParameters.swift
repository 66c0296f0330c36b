import ChurnGuardCore
import ChurnGuardStorage
import Foundation
import Hummingbird

/// Reads and validates query parameters, naming the parameter in every error.
enum QueryParameters {
    /// `from`, `to` (RFC 3339 or epoch seconds), `limit`, `cursor`, `tag.KEY=VALUE`.
    static func pointQuery(metricName: String, from parameters: Parameters, options: APIOptions) throws -> PointQuery {
        var problems: [ErrorDetail] = []
        func time(_ name: String) -> Timestamp? {
            guard let text = parameters.get(name) else { return nil }
            if let parsed = Timestamp(text: text) { return parsed }
            problems.append(ErrorDetail(field: name, message: "must be RFC 3339 or epoch seconds"))
            return nil
        }
        var query = PointQuery(metricName: metricName, from: time("from"), to: time("to"), limit: options.defaultPageSize)
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
        let validator = PointValidator(limits: options.validation)
        for (rawKey, value) in parameters {
            let key = String(rawKey).removingPercentEncoding ?? String(rawKey)
            guard key.hasPrefix("tag.") else { continue }
            let tag = String(key.dropFirst(4))
            if let problem = validator.tagKeyProblem(tag) {
                problems.append(ErrorDetail(field: key, message: problem))
            } else {
                query.tags[tag] = String(value)
            }
        }
        guard problems.isEmpty else {
            throw ServiceError(.validation, code: "invalid_query", message: "invalid query parameters", details: problems)
        }
        return query
    }
}
