import ChurnGuardCore
import ChurnGuardEngine
import Foundation

/// A message a stream client sends: `{"subscribe": [...]}` or `{"unsubscribe": [...]}`, each
/// item a metric name or `{"metric_name": "...", "tags": {"KEY": "VALUE"}}`.
enum StreamClientMessage: Equatable {
    case subscribe([StreamHub.Subscription])
    case unsubscribe([StreamHub.Subscription])

    /// Most items in one message.
    static let maxItems = 100

    /// A problem with a client message, sent back as `{"type":"error","code","message"}`.
    struct Problem: Error, Equatable {
        let code: String
        let message: String
    }

    /// Parses and validates one text message.
    static func parse(_ text: String, validation: ValidationLimits) throws(Problem) -> StreamClientMessage {
        guard let data = text.data(using: .utf8), let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else {
            throw Problem(code: "malformed_message", message: "send a JSON object: {\"subscribe\": [...]} or {\"unsubscribe\": [...]}")
        }
        guard object.count == 1, let (verb, value) = object.first, verb == "subscribe" || verb == "unsubscribe" else {
            throw Problem(code: "unsupported_message", message: "expected exactly one of the keys subscribe or unsubscribe")
        }
        guard let items = value as? [Any], !items.isEmpty, items.count <= maxItems else {
            throw Problem(code: "invalid_subscription", message: "\(verb) takes a list of 1 to \(maxItems) metrics")
        }
        let validator = PointValidator(limits: validation)
        var subscriptions: [StreamHub.Subscription] = []
        for (index, item) in items.enumerated() {
            let name: String
            var tags: [String: String] = [:]
            if let text = item as? String {
                name = text
            } else if let entry = item as? [String: Any], let text = entry["metric_name"] as? String,
                      Set(entry.keys).isSubset(of: ["metric_name", "tags"]) {
                name = text
                if let raw = entry["tags"] {
                    guard let pairs = raw as? [String: Any], pairs.count <= validation.maxTagFilters else {
                        throw Problem(code: "invalid_subscription", message: "\(verb)[\(index)].tags must be an object of at most \(validation.maxTagFilters) string values")
                    }
                    for (key, value) in pairs {
                        guard let value = value as? String else {
                            throw Problem(code: "invalid_subscription", message: "\(verb)[\(index)].tags.\(key) must be a string")
                        }
                        if let problem = validator.tagKeyProblem(key) ?? validator.tagValueProblem(value) {
                            throw Problem(code: "invalid_subscription", message: "\(verb)[\(index)].tags: \(problem)")
                        }
                        tags[key] = value
                    }
                }
            } else {
                throw Problem(code: "invalid_subscription",
                              message: "\(verb)[\(index)] must be a metric name or {\"metric_name\": ..., \"tags\": {...}}")
            }
            if let problem = validator.metricNameProblem(name) {
                throw Problem(code: "invalid_subscription", message: "\(verb)[\(index)]: \(problem)")
            }
            subscriptions.append(StreamHub.Subscription(metricName: name, tags: tags))
        }
        return verb == "subscribe" ? .subscribe(subscriptions) : .unsubscribe(subscriptions)
    }
}
