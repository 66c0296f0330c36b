import ChurnGuardCore
import ChurnGuardStorage
import Metrics

/// The recommendations role with every call timed (`query_type` `select_recommendations` /
/// `write_recommendations`), as ``TimedBackends`` does for the other roles.
struct TimedRecommendationStore: RecommendationStore {
    let base: any RecommendationStore
    let select: Timer
    let write: Timer

    init(base: any RecommendationStore, factory: any MetricsFactory) {
        self.base = base
        select = Timer(label: MetricNames.databaseQueryDuration, dimensions: [("query_type", "select_recommendations")], factory: factory)
        write = Timer(label: MetricNames.databaseQueryDuration, dimensions: [("query_type", "write_recommendations")], factory: factory)
    }

    func saveRecommendations(_ recommendations: [Recommendation], organization: OrganizationID, at now: Timestamp) async throws
        -> [SavedRecommendation] {
        try await timed(write) { try await base.saveRecommendations(recommendations, organization: organization, at: now) }
    }

    func recommendation(id: String, organization: OrganizationID) async throws -> Recommendation? {
        try await timed(select) { try await base.recommendation(id: id, organization: organization) }
    }

    func recommendations(_ query: RecommendationQuery, organization: OrganizationID) async throws -> [Recommendation] {
        try await timed(select) { try await base.recommendations(query, organization: organization) }
    }

    func updateRecommendation(id: String, organization: OrganizationID, _ transition: RecommendationTransition) async throws
        -> Recommendation? {
        try await timed(write) { try await base.updateRecommendation(id: id, organization: organization, transition) }
    }

    func pruneRecommendations(organization: OrganizationID, keep: Int, confirmedAt: Timestamp) async throws -> Int {
        try await timed(write) { try await base.pruneRecommendations(organization: organization, keep: keep, confirmedAt: confirmedAt) }
    }
}
