/// One recommended action of one organization: what to do, for whom, what it is worth, the
/// evidence behind it (insights, anomalies, alerts) and, once accepted and its horizon has
/// passed, what it achieved.
///
/// A recommendation is identified within its organization by its rule and target
/// (``identity``): the engine's next run updates an open one instead of repeating it.
public struct Recommendation: Sendable, Hashable {
    /// Most customer ids kept on a recommendation (the API lists the first 100).
    public static let maxStoredCustomers = 10_000

    /// Unique identifier (a UUID, lower case), kept across updates.
    public var id: String
    /// Whose recommendation this is.
    public var organization: OrganizationID
    /// The business rule that fired.
    public var ruleID: String
    /// The action, from the rule.
    public var title: String, description: String
    /// The kind of action.
    public var category: RecommendationCategory
    /// Open, accepted or dismissed.
    public var status: RecommendationStatus
    /// The metric and segment concerned.
    public var target: RecommendationTarget
    /// How many customers the action is for.
    public var affectedCustomers: Int
    /// Their ids (at most ``maxStoredCustomers``), highest revenue at risk first.
    public var customers: [String]
    /// How sure the evidence makes the recommendation, in [0, 1].
    public var confidence: Double
    /// Expected saved revenue minus cost (the ranking key); 0 without an ROI estimate.
    public var expectedValue: Double
    /// The effect the rule assumed (relative reduction of churn probability) and the horizon.
    public var expectedEffect: Double, horizonDays: Int
    /// Return on investment, when estimated.
    public var roi: ROIEstimate?
    /// The evidence behind it.
    public var insightIDs: [String], anomalyIDs: [String], alertIDs: [String]
    /// What it achieved, once measured.
    public var outcome: RecommendationOutcome?
    /// When a run first proposed it and last updated it.
    public var createdAt: Timestamp, updatedAt: Timestamp
    /// Acceptance: when, for whom, and the note given.
    public var acceptedAt: Timestamp?, treatedCustomers: [String]?, acceptNote: String?
    /// Dismissal: when and why.
    public var dismissedAt: Timestamp?, dismissReason: String?

    /// Creates an open recommendation (acceptance, dismissal and outcome unset).
    public init(id: String, organization: OrganizationID, ruleID: String, title: String, description: String,
                category: RecommendationCategory, target: RecommendationTarget, affectedCustomers: Int, customers: [String],
                confidence: Double, expectedValue: Double, expectedEffect: Double, horizonDays: Int, roi: ROIEstimate?,
                insightIDs: [String], anomalyIDs: [String], alertIDs: [String], createdAt: Timestamp) {
        self.id = id
        self.organization = organization
        self.ruleID = ruleID
        self.title = title
        self.description = description
        self.category = category
        self.status = .open
        self.target = target
        self.affectedCustomers = affectedCustomers
        self.customers = Array(customers.prefix(Self.maxStoredCustomers))
        self.confidence = confidence
        self.expectedValue = expectedValue
        self.expectedEffect = expectedEffect
        self.horizonDays = horizonDays
        self.roi = roi
        self.insightIDs = insightIDs
        self.anomalyIDs = anomalyIDs
        self.alertIDs = alertIDs
        self.createdAt = createdAt
        self.updatedAt = createdAt
    }

    /// What identifies it within its organization: the rule and the target's key.
    public var identity: Identity { Identity(ruleID: ruleID, targetKey: target.key) }

    /// The identity of a recommendation: a rerun finding the same one updates it.
    public struct Identity: Sendable, Hashable {
        public var ruleID: String
        public var targetKey: String
        /// Creates an identity.
        public init(ruleID: String, targetKey: String) {
            self.ruleID = ruleID
            self.targetKey = targetKey
        }
    }

    /// Listing order: expected value, then confidence, then newest update, then id.
    public static func ranksBefore(_ a: Recommendation, _ b: Recommendation) -> Bool {
        (a.expectedValue, a.confidence, a.updatedAt, b.id) > (b.expectedValue, b.confidence, b.updatedAt, a.id)
    }

    /// When its outcome can be measured: the horizon after acceptance (`nil` unless accepted).
    public var outcomeDue: Timestamp? {
        acceptedAt.map { $0.adding(seconds: Int64(horizonDays) * 86_400) }
    }
}
