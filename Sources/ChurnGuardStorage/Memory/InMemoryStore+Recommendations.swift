public import ChurnGuardCore

extension InMemoryStore: RecommendationStore {
    public func saveRecommendations(_ recommendations: [Recommendation], organization: OrganizationID, at now: Timestamp) async throws
        -> [SavedRecommendation] {
        if let failure { throw failure }
        var stored = recommendationState[organization] ?? [:]
        var saved: [SavedRecommendation] = []
        for var draft in recommendations {
            draft.organization = organization
            if let existing = stored.values.first(where: { $0.identity == draft.identity }) {
                let next = existing.refreshed(by: draft)
                stored[next.id] = next
                saved.append(SavedRecommendation(recommendation: next, created: false))
                continue
            }
            if recommendationState.values.contains(where: { $0[draft.id] != nil }) {
                throw StoreError.conflict("recommendation id \(draft.id) exists")
            }
            stored[draft.id] = draft
            saved.append(SavedRecommendation(recommendation: draft, created: true))
        }
        recommendationState[organization] = stored
        return saved
    }

    public func recommendation(id: String, organization: OrganizationID) async throws -> Recommendation? {
        if let failure { throw failure }
        return recommendationState[organization]?[id]
    }

    public func recommendations(_ query: RecommendationQuery, organization: OrganizationID) async throws -> [Recommendation] {
        if let failure { throw failure }
        return (recommendationState[organization] ?? [:]).values.filter(query.matches)
            .sorted(by: Recommendation.ranksBefore).prefix(max(0, query.limit)).map { $0 }
    }

    public func updateRecommendation(id: String, organization: OrganizationID, _ transition: RecommendationTransition) async throws
        -> Recommendation? {
        if let failure { throw failure }
        guard let current = recommendationState[organization]?[id] else { return nil }
        let next = try current.applying(transition)
        recommendationState[organization]?[id] = next
        return next
    }

    public func pruneRecommendations(organization: OrganizationID, keep: Int, confirmedAt: Timestamp) async throws -> Int {
        if let failure { throw failure }
        let all = recommendationState[organization] ?? [:]
        let open = all.values.filter { $0.status == .open && $0.updatedAt >= confirmedAt }.sorted(by: Recommendation.ranksBefore)
            .prefix(max(0, keep))
        let kept = all.values.filter { $0.status != .open } + open
        recommendationState[organization] = Dictionary(kept.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
        return all.count - kept.count
    }
}
