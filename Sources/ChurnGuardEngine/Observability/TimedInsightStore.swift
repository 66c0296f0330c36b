import ChurnGuardCore
import ChurnGuardStorage
import Metrics

/// The insights role with every call timed (`query_type` `select_insights` / `write_insights`),
/// as ``TimedBackends`` does for the other roles.
struct TimedInsightStore: InsightStore {
    let base: any InsightStore
    let select: Timer
    let write: Timer

    init(base: any InsightStore, factory: any MetricsFactory) {
        self.base = base
        select = Timer(label: MetricNames.databaseQueryDuration, dimensions: [("query_type", "select_insights")], factory: factory)
        write = Timer(label: MetricNames.databaseQueryDuration, dimensions: [("query_type", "write_insights")], factory: factory)
    }

    func saveInsights(_ insights: [Insight], organization: OrganizationID, at now: Timestamp) async throws -> [SavedInsight] {
        try await timed(write) { try await base.saveInsights(insights, organization: organization, at: now) }
    }

    func insight(id: String, organization: OrganizationID) async throws -> Insight? {
        try await timed(select) { try await base.insight(id: id, organization: organization) }
    }

    func insights(_ query: InsightQuery, organization: OrganizationID, at now: Timestamp) async throws -> [Insight] {
        try await timed(select) { try await base.insights(query, organization: organization, at: now) }
    }

    func pruneInsights(organization: OrganizationID, keep: Int, at now: Timestamp) async throws -> Int {
        try await timed(write) { try await base.pruneInsights(organization: organization, keep: keep, at: now) }
    }
}
