/// One business rule of the rules file (`rules/recommendations.json`, docs/RECOMMENDATIONS.md):
/// when its conditions hold, recommend its action for its target, with the effect and cost
/// that price it.
public struct RecommendationRule: Sendable, Hashable {
    /// Unique id within the file (`smb_reengagement_campaign`).
    public var id: String
    /// Disabled rules are validated but never evaluated.
    public var enabled: Bool
    /// How much the rule's own evidence is trusted, in [0, 1]; combined with its insights'.
    public var confidence: Double
    /// What must hold.
    public var conditions: RuleCondition
    /// Whom and what it is about.
    public var target: RecommendationTarget
    /// Least churn risk of a customer of the target to count as affected.
    public var minimumChurnRisk: Double
    /// The action proposed.
    public var title: String, description: String, category: RecommendationCategory
    /// Relative reduction of churn probability the action is expected to bring (low, expected, high).
    public var effect: EffectRange
    /// Days over which the effect and revenue are counted, and after which the outcome is measured.
    public var horizonDays: Int
    /// Fixed cost and cost per affected customer.
    public var fixedCost: Double, costPerCustomer: Double

    /// Creates a rule.
    public init(id: String, enabled: Bool = true, confidence: Double, conditions: RuleCondition, target: RecommendationTarget,
                minimumChurnRisk: Double = 0, title: String, description: String, category: RecommendationCategory,
                effect: EffectRange, horizonDays: Int, fixedCost: Double, costPerCustomer: Double) {
        self.id = id
        self.enabled = enabled
        self.confidence = confidence
        self.conditions = conditions
        self.target = target
        self.minimumChurnRisk = minimumChurnRisk
        self.title = title
        self.description = description
        self.category = category
        self.effect = effect
        self.horizonDays = horizonDays
        self.fixedCost = fixedCost
        self.costPerCustomer = costPerCustomer
    }
}

/// A low–expected–high range of an effect.
public struct EffectRange: Sendable, Hashable {
    public var low: Double, expected: Double, high: Double
    /// Creates a range.
    public init(low: Double, expected: Double, high: Double) {
        self.low = low
        self.expected = expected
        self.high = high
    }
}

/// The least severity a condition asks for: insights, anomalies and alerts share the scale.
public enum RuleSeverity: String, Sendable, Hashable, CaseIterable, Comparable {
    case low, medium, high, critical

    /// 1 (low) … 4 (critical).
    public var weight: Int { Self.allCases.firstIndex(of: self).map { $0 + 1 } ?? 1 }

    public static func < (a: RuleSeverity, b: RuleSeverity) -> Bool { a.weight < b.weight }
}

/// What a rule asks of the organization's state; conditions nest with `all` and `any`.
public indirect enum RuleCondition: Sendable, Hashable {
    /// Every condition holds.
    case all([RuleCondition])
    /// At least one condition holds.
    case any([RuleCondition])
    /// A current insight matches.
    case insight(InsightMatch)
    /// Enough stored anomalies match within a window.
    case anomaly(EventMatch)
    /// Enough alerts match within a window.
    case alert(EventMatch)
    /// A statistic of a metric's raw points over a window compares as asked.
    case statistic(StatisticCheck)
    /// Another rule fired in the same run.
    case rule(String)

    /// Every metric a condition (or any nested one) reads statistics of.
    public var statisticChecks: [StatisticCheck] {
        switch self {
        case .all(let list), .any(let list): list.flatMap(\.statisticChecks)
        case .statistic(let check): [check]
        case .insight, .anomaly, .alert, .rule: []
        }
    }

    /// Every rule id referred to.
    public var referencedRules: [String] {
        switch self {
        case .all(let list), .any(let list): list.flatMap(\.referencedRules)
        case .rule(let id): [id]
        case .insight, .anomaly, .alert, .statistic: []
        }
    }
}

/// Which insights satisfy an `insight` condition: every given field must match.
public struct InsightMatch: Sendable, Hashable {
    public var kind: InsightKind?
    public var metricName: String?
    /// The segment's dimension and, when given, value.
    public var segmentDimension: String?, segmentValue: String?
    public var minimumSeverity: RuleSeverity?
    public var minimumConfidence: Double
    /// Only insights about a rise (`true`) or a drop (`false`) of their metric.
    public var rising: Bool?
    /// Creates a match.
    public init(kind: InsightKind? = nil, metricName: String? = nil, segmentDimension: String? = nil, segmentValue: String? = nil,
                minimumSeverity: RuleSeverity? = nil, minimumConfidence: Double = 0, rising: Bool? = nil) {
        self.kind = kind
        self.metricName = metricName
        self.segmentDimension = segmentDimension
        self.segmentValue = segmentValue
        self.minimumSeverity = minimumSeverity
        self.minimumConfidence = minimumConfidence
        self.rising = rising
    }
}

/// Which anomalies or alerts satisfy an `anomaly` or `alert` condition: at least `minimumCount`
/// of the metric, carrying every tag, of at least the severity, within the last `withinDays`.
public struct EventMatch: Sendable, Hashable {
    public var metricName: String?
    public var tags: [String: String]
    public var minimumSeverity: RuleSeverity?
    public var withinDays: Int
    public var minimumCount: Int
    /// Creates a match.
    public init(metricName: String? = nil, tags: [String: String] = [:], minimumSeverity: RuleSeverity? = nil, withinDays: Int = 7,
                minimumCount: Int = 1) {
        self.metricName = metricName
        self.tags = tags
        self.minimumSeverity = minimumSeverity
        self.withinDays = withinDays
        self.minimumCount = minimumCount
    }
}

/// A `statistic` condition: the statistic of a metric's points carrying every tag, over the
/// last `windowDays`, compared with `value`.
public struct StatisticCheck: Sendable, Hashable {
    /// What is computed over the window's points.
    public enum Statistic: String, Sendable, Hashable, CaseIterable {
        /// Mean, sum, least, greatest value, number of points.
        case mean, sum, min, max, count
        /// (mean of the window − mean of the window before) / |mean of the window before|.
        case relativeChange = "relative_change"
        /// Distinct customers (values of the customer tag) with a point in the window.
        case customers
    }

    /// How the statistic is compared with the value.
    public enum Comparison: String, Sendable, Hashable, CaseIterable {
        case above, below
        case atLeast = "at_least", atMost = "at_most"

        /// Whether `left` compares to `right` this way.
        public func holds(_ left: Double, _ right: Double) -> Bool {
            switch self {
            case .above: left > right
            case .below: left < right
            case .atLeast: left >= right
            case .atMost: left <= right
            }
        }
    }

    public var metricName: String
    public var statistic: Statistic
    public var windowDays: Int
    public var comparison: Comparison
    public var value: Double
    public var tags: [String: String]

    /// Creates a check.
    public init(metricName: String, statistic: Statistic, windowDays: Int, comparison: Comparison, value: Double, tags: [String: String] = [:]) {
        self.metricName = metricName
        self.statistic = statistic
        self.windowDays = windowDays
        self.comparison = comparison
        self.value = value
        self.tags = tags
    }
}
