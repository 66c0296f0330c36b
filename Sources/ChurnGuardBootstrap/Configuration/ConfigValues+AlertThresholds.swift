import ChurnGuardCore

extension ConfigValues {
    /// The section of every organization's default alert rules.
    static let alertThresholdsPrefix = "real_time_engine.alert_thresholds."

    /// `real_time_engine.alert_thresholds`: one entry per metric with exactly one of
    /// `above`/`below` (a number), `severity` (low, medium, high, critical), and optionally
    /// `for` (a duration such as `5m`) and `hysteresis` (a number ≥ 0). Each becomes the
    /// default rule `default.<metric>`.
    /// - Throws: ``ConfigError`` naming the key and its source for anything else.
    func alertThresholds() throws(ConfigError) -> [AlertRule] {
        var fields: [String: [String: (key: String, text: String)]] = [:]
        for key in keys(withPrefix: Self.alertThresholdsPrefix) {
            let parts = key.dropFirst(Self.alertThresholdsPrefix.count).split(separator: ".", omittingEmptySubsequences: false)
            guard parts.count == 2 else {
                throw fail(key, "expected real_time_engine.alert_thresholds.<metric>.<above|below|severity|for|hysteresis>")
            }
            guard case .scalar(let text)? = entries[key]?.raw else { throw fail(key, "must be a single value") }
            fields[String(parts[0]), default: [:]][String(parts[1])] = (key, text)
        }
        var rules: [AlertRule] = []
        for (metric, entry) in fields.sorted(by: { $0.key < $1.key }) {
            let base = Self.alertThresholdsPrefix + metric
            for (field, value) in entry where !["above", "below", "severity", "for", "hysteresis"].contains(field) {
                throw fail(value.key, "unknown field \(field) (expected above, below, severity, for, hysteresis)")
            }
            if let problem = PointValidator(limits: ValidationLimits()).metricNameProblem(metric) {
                throw fail(base, "metric name: \(problem)")
            }
            let id = "default." + metric.lowercased()
            guard AlertRule.isValidID(id) else { throw fail(base, "metric name too long or not lower-case letters, digits, '.', '_', '-' for a rule id") }
            let condition: AlertCondition
            let thresholdText: (key: String, text: String)
            switch (entry["above"], entry["below"]) {
            case (let above?, nil): condition = .above; thresholdText = above
            case (nil, let below?): condition = .below; thresholdText = below
            default: throw fail(base, "give exactly one of above or below")
            }
            guard let threshold = Double(thresholdText.text), threshold.isFinite else {
                throw fail(thresholdText.key, "must be a number (got '\(thresholdText.text)')")
            }
            guard let severityText = entry["severity"] else { throw fail(base + ".severity", "is required (low, medium, high, critical)") }
            guard let severity = AlertSeverity(rawValue: severityText.text) else {
                throw fail(severityText.key, "must be low, medium, high or critical (got '\(severityText.text)')")
            }
            var forSeconds: Int64 = 0
            if let text = entry["for"] {
                guard let seconds = Self.parseDuration(text.text), Int64(seconds) <= AlertRule.maxForSeconds else {
                    throw fail(text.key, "must be a duration such as 90s, 5m, 1h, at most 7d (got '\(text.text)')")
                }
                forSeconds = Int64(seconds)
            }
            var hysteresis: Double?
            if let text = entry["hysteresis"] {
                guard let value = Double(text.text), value.isFinite, value >= 0 else { throw fail(text.key, "must be a number ≥ 0") }
                hysteresis = value
            }
            rules.append(AlertRule(id: id, metricName: metric, condition: condition, threshold: threshold, severity: severity,
                                   forSeconds: forSeconds, hysteresis: hysteresis))
        }
        return rules
    }
}
