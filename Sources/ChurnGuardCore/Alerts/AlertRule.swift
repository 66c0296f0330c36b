/// Which side of its threshold a rule watches.
public enum AlertCondition: String, Sendable, Hashable, CaseIterable, Codable {
    /// Breached while the value is greater than the threshold.
    case above
    /// Breached while the value is less than the threshold.
    case below
}

/// How urgent an alert is.
public enum AlertSeverity: String, Sendable, Hashable, CaseIterable, Codable {
    /// Worth a look.
    case low
    /// Needs attention soon.
    case medium
    /// Needs attention now.
    case high
    /// Everything else waits.
    case critical
}

/// A threshold rule: alert when a metric's value stays on the wrong side of a threshold.
///
/// The configuration's `real_time_engine.alert_thresholds` are every organization's default
/// rules (ids `default.<metric>`); an organization adds its own, and a rule of its own with
/// a default's id replaces that default for it (`enabled: false` switches it off).
public struct AlertRule: Sendable, Hashable {
    /// Longest accepted rule id.
    public static let maxIDLength = 64
    /// Longest accepted `for` duration: one week.
    public static let maxForSeconds: Int64 = 7 * 86_400

    /// The rule's identifier within its organization: 1–64 of `a-z`, `0-9`, `.`, `_`, `-`.
    public var id: String
    /// The metric watched.
    public var metricName: String
    /// Above or below.
    public var condition: AlertCondition
    /// The threshold.
    public var threshold: Double
    /// Severity of its alerts.
    public var severity: AlertSeverity
    /// How long the value must stay breached before the alert fires (0: at once).
    public var forSeconds: Int64
    /// How far back past the threshold the value must come before a firing alert resolves,
    /// so a value wobbling around the threshold does not flap; `nil` means 5 % of the
    /// threshold's magnitude.
    public var hysteresis: Double?
    /// Only series whose tags include all of these are watched.
    public var tagFilter: [String: String]
    /// A disabled rule is kept but evaluates nothing.
    public var enabled: Bool

    /// Creates a rule.
    public init(id: String, metricName: String, condition: AlertCondition, threshold: Double, severity: AlertSeverity,
                forSeconds: Int64 = 0, hysteresis: Double? = nil, tagFilter: [String: String] = [:], enabled: Bool = true) {
        self.id = id
        self.metricName = metricName
        self.condition = condition
        self.threshold = threshold
        self.severity = severity
        self.forSeconds = forSeconds
        self.hysteresis = hysteresis
        self.tagFilter = tagFilter
        self.enabled = enabled
    }

    /// The hysteresis in effect (the explicit one, or 5 % of |threshold|).
    public var effectiveHysteresis: Double { hysteresis ?? abs(threshold) * 0.05 }

    /// Whether `value` breaches the threshold.
    public func isBreached(by value: Double) -> Bool {
        condition == .above ? value > threshold : value < threshold
    }

    /// Whether `value` is far enough back on the safe side to resolve a firing alert.
    public func isClear(_ value: Double) -> Bool {
        condition == .above ? value <= threshold - effectiveHysteresis : value >= threshold + effectiveHysteresis
    }

    /// Whether a series with `tags` is watched by this rule.
    public func watches(metricName: String, tags: [String: String]) -> Bool {
        enabled && metricName == self.metricName && tagFilter.allSatisfy { tags[$0.key] == $0.value }
    }

    /// Whether `id` is an acceptable rule id.
    public static func isValidID(_ id: String) -> Bool {
        !id.isEmpty && id.utf8.count <= maxIDLength && id.utf8.allSatisfy { byte in
            (48...57).contains(byte) || (97...122).contains(byte) || byte == 46 || byte == 95 || byte == 45
        }
    }
}
