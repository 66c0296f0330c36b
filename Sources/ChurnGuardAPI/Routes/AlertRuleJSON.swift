import ChurnGuardCore
import Foundation

/// Reads and writes alert rules as JSON:
/// `{"id", "metric_name", "above"|"below": number, "severity", "for"?: "5m"|seconds,
/// "hysteresis"?: number, "tags"?: {"KEY": "VALUE"}, "enabled"?: bool}`
/// — the shape of the configuration's `alert_thresholds` entries, plus an id.
enum AlertRuleJSON {
    static let knownKeys: Set<String> = ["id", "metric_name", "above", "below", "severity", "for", "hysteresis", "tags", "enabled"]

    /// Parses one rule object; every problem names its field (prefixed with `prefix`).
    static func parse(_ object: [String: JSONValue], id pathID: String?, prefix: String, validation: ValidationLimits,
                      problems: inout [ErrorDetail]) -> AlertRule? {
        let before = problems.count
        func problem(_ field: String, _ message: String) { problems.append(ErrorDetail(field: prefix + field, message: message)) }
        for key in object.keys where !knownKeys.contains(key) { problem(key, "is not a rule field") }
        let id = pathID ?? object["id"]?.string ?? ""
        if !AlertRule.isValidID(id) { problem("id", "must be 1–\(AlertRule.maxIDLength) of a-z, 0-9, '.', '_', '-'") }
        if let pathID, let bodyID = object["id"]?.string, bodyID != pathID { problem("id", "differs from the id in the path") }
        let validator = PointValidator(limits: validation)
        let metric = object["metric_name"]?.string ?? ""
        if let message = validator.metricNameProblem(metric) { problem("metric_name", message) }
        let above = object["above"]?.number, below = object["below"]?.number
        var condition = AlertCondition.above
        var threshold = 0.0
        switch (above, below) {
        case (let value?, nil): threshold = value
        case (nil, let value?): condition = .below; threshold = value
        default: problem("above", "give exactly one of above or below, a finite number")
        }
        let severity = object["severity"]?.string.flatMap(AlertSeverity.init(rawValue:))
        if severity == nil { problem("severity", "must be one of \(AlertSeverity.allCases.map(\.rawValue).joined(separator: ", "))") }
        var forSeconds: Int64 = 0
        if let raw = object["for"] {
            if let seconds = duration(raw), seconds <= AlertRule.maxForSeconds {
                forSeconds = seconds
            } else {
                problem("for", "must be a duration such as 90s, 5m, 1h (or seconds), at most 7d")
            }
        }
        var hysteresis: Double?
        if let raw = object["hysteresis"] {
            if let value = raw.number, value >= 0 { hysteresis = value } else { problem("hysteresis", "must be a number ≥ 0") }
        }
        var tags: [String: String] = [:]
        if let raw = object["tags"] {
            if case .object(let pairs) = raw, pairs.count <= validation.maxTagFilters {
                for (key, value) in pairs {
                    guard let text = value.string else { problem("tags.\(key)", "must be a string"); continue }
                    if let message = validator.tagKeyProblem(key) ?? validator.tagValueProblem(text) { problem("tags.\(key)", message) }
                    tags[key] = text
                }
            } else {
                problem("tags", "must be an object of at most \(validation.maxTagFilters) string values")
            }
        }
        var enabled = true
        if let raw = object["enabled"] {
            if case .bool(let flag) = raw { enabled = flag } else { problem("enabled", "must be true or false") }
        }
        guard problems.count == before, let severity else { return nil }
        return AlertRule(id: id, metricName: metric, condition: condition, threshold: threshold, severity: severity,
                         forSeconds: forSeconds, hysteresis: hysteresis, tagFilter: tags, enabled: enabled)
    }

    /// Seconds of a duration: an integer number of seconds or text like `90s`, `5m`, `1h`, `1d`.
    static func duration(_ value: JSONValue) -> Int64? {
        if let seconds = value.number { return seconds >= 0 && seconds == seconds.rounded() && seconds < 1e12 ? Int64(seconds) : nil }
        guard let text = value.string, let unit = text.last, let amount = Int64(text.dropLast()), amount >= 0 else { return nil }
        let factors: [Character: Int64] = ["s": 1, "m": 60, "h": 3600, "d": 86_400]
        guard let factor = factors[unit] else { return nil }
        let (seconds, overflow) = amount.multipliedReportingOverflow(by: factor)
        return overflow ? nil : seconds
    }

    /// The rule as JSON, with where it comes from (`default` or `organization`).
    struct Out: Encodable {
        let id: String
        let metric_name: String
        let above: Double?
        let below: Double?
        let severity: String
        let for_seconds: Int64
        let hysteresis: Double
        let tags: [String: String]
        let enabled: Bool
        let source: String

        init(_ rule: AlertRule, source: String) {
            id = rule.id
            metric_name = rule.metricName
            above = rule.condition == .above ? rule.threshold : nil
            below = rule.condition == .below ? rule.threshold : nil
            severity = rule.severity.rawValue
            for_seconds = rule.forSeconds
            hysteresis = rule.effectiveHysteresis
            tags = rule.tagFilter
            enabled = rule.enabled
            self.source = source
        }
    }
}
