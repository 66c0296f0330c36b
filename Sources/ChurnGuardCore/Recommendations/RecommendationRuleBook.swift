/// The parsed rules file: file-wide settings and the rules, in file order.
public struct RecommendationRuleBook: Sendable, Hashable {
    /// Currency of every cost and amount.
    public var currency: String
    /// The metric read as each customer's monthly recurring revenue.
    public var revenueMetric: String
    /// The metric read as each customer's churn probability over a rule's horizon, in [0, 1].
    public var riskMetric: String
    /// The tag naming a customer.
    public var customerTag: String
    /// The rules.
    public var rules: [RecommendationRule]

    /// Creates a rule book.
    public init(currency: String = "USD", revenueMetric: String = "mrr", riskMetric: String = "churn_risk_score",
                customerTag: String = "customer_id", rules: [RecommendationRule]) {
        self.currency = currency
        self.revenueMetric = revenueMetric
        self.riskMetric = riskMetric
        self.customerTag = customerTag
        self.rules = rules
    }

    /// The enabled rules, each after every rule its conditions refer to (the file guarantees
    /// no cycle), otherwise in file order.
    public var evaluationOrder: [RecommendationRule] {
        let enabled = rules.filter(\.enabled)
        let enabledIDs = Set(enabled.map(\.id))
        var placed: Set<String> = []
        var ordered: [RecommendationRule] = []
        var remaining = enabled
        while !remaining.isEmpty {
            let index = remaining.firstIndex { rule in
                rule.conditions.referencedRules.allSatisfy { placed.contains($0) || !enabledIDs.contains($0) }
            } ?? 0
            let next = remaining.remove(at: index)
            ordered.append(next)
            placed.insert(next.id)
        }
        return ordered
    }
}

/// Why a rules file was refused: each problem names the rule (by id when it has one, and
/// position) and the field.
public struct RecommendationRulesError: Error, Sendable, Equatable, CustomStringConvertible {
    /// One problem.
    public struct Problem: Sendable, Hashable, CustomStringConvertible {
        /// The rule's id (or `rules[i]` when it has none), `nil` for a file-wide field.
        public var rule: String?
        /// The field within the rule (or the file), dotted (`conditions.all[1].statistic.comparison`).
        public var field: String
        /// What is wrong.
        public var message: String

        /// Creates a problem.
        public init(rule: String?, field: String, message: String) {
            self.rule = rule
            self.field = field
            self.message = message
        }

        public var description: String {
            if let rule { return "rule \(rule), field \(field): \(message)" }
            return "field \(field): \(message)"
        }
    }

    /// The file concerned.
    public var file: String
    /// Every problem found (at least one).
    public var problems: [Problem]

    /// Creates an error.
    public init(file: String, problems: [Problem]) {
        self.file = file
        self.problems = problems
    }

    public var description: String {
        "invalid recommendation rules in \(file): " + problems.map(\.description).joined(separator: "; ")
    }
}
