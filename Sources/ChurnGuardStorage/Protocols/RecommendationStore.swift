public import ChurnGuardCore

/// Which recommendations a listing returns, highest expected value first.
public struct RecommendationQuery: Sendable, Equatable {
    /// Only this kind of action.
    public var category: RecommendationCategory?
    /// Only this state.
    public var status: RecommendationStatus?
    /// Only this rule's.
    public var ruleID: String?
    /// Most recommendations returned.
    public var limit: Int

    /// Creates a query.
    public init(category: RecommendationCategory? = nil, status: RecommendationStatus? = nil, ruleID: String? = nil, limit: Int = 50) {
        self.category = category
        self.status = status
        self.ruleID = ruleID
        self.limit = limit
    }

    /// Whether `recommendation` is selected (the in-memory store's filter, the SQL backends' reference).
    public func matches(_ recommendation: Recommendation) -> Bool {
        (category.map { $0 == recommendation.category } ?? true) && (status.map { $0 == recommendation.status } ?? true)
            && (ruleID.map { $0 == recommendation.ruleID } ?? true)
    }
}

/// A recommendation as stored by ``RecommendationStore/saveRecommendations(_:organization:at:)``,
/// and whether the run created it.
public struct SavedRecommendation: Sendable, Equatable {
    /// The stored recommendation.
    public var recommendation: Recommendation
    /// Whether no recommendation of its rule and target was stored before.
    public var created: Bool

    /// Creates a result.
    public init(recommendation: Recommendation, created: Bool) {
        self.recommendation = recommendation
        self.created = created
    }
}

/// The recommendations role: each organization's recommendations, their acceptance or
/// dismissal and measured outcome. Every method may be called concurrently. Checked by
/// `StoreConformance.recommendationCases`.
///
/// What every implementation promises:
/// - **One recommendation per rule and target.** Saving one whose organization, rule and
///   target match a stored *open* one updates it (keeping id and creation time); one matching
///   an accepted or dismissed one leaves that untouched (a run never reopens a decision).
/// - **Atomic transitions.** ``updateRecommendation(id:organization:_:)`` reads and writes in
///   one transaction, so two concurrent accepts and dismisses cannot both win.
/// - **Tenant scope.** One organization never reads, changes or prunes another's.
public protocol RecommendationStore: Sendable {
    /// Stores a run's recommendations of one organization in one transaction; answers them as
    /// stored, in the order given.
    func saveRecommendations(_ recommendations: [Recommendation], organization: OrganizationID, at now: Timestamp) async throws
        -> [SavedRecommendation]

    /// One recommendation of the organization, if it exists.
    func recommendation(id: String, organization: OrganizationID) async throws -> Recommendation?

    /// The organization's recommendations selected by `query`, ranked (``Recommendation/ranksBefore(_:_:)``).
    func recommendations(_ query: RecommendationQuery, organization: OrganizationID) async throws -> [Recommendation]

    /// Applies `transition` to one recommendation atomically; answers it as stored, `nil` when
    /// the organization has no such recommendation.
    /// - Throws: `StoreError.conflict` when the transition is not allowed from its state.
    func updateRecommendation(id: String, organization: OrganizationID, _ transition: RecommendationTransition) async throws -> Recommendation?

    /// Deletes the organization's open recommendations last updated before `confirmedAt` (a
    /// run at that time no longer found them) and, beyond the `keep` highest ranked open ones,
    /// the rest; accepted and dismissed ones are kept. Answers how many were deleted.
    func pruneRecommendations(organization: OrganizationID, keep: Int, confirmedAt: Timestamp) async throws -> Int
}
