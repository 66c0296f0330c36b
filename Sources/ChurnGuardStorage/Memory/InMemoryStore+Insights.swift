public import ChurnGuardCore
import Foundation

extension InMemoryStore: InsightStore {
    public func saveInsights(_ insights: [Insight], organization: OrganizationID, at now: Timestamp) async throws -> [SavedInsight] {
        if let failure { throw failure }
        var stored = insightState[organization] ?? [:]
        var saved: [SavedInsight] = []
        for var insight in insights {
            insight.organization = organization
            let existing = stored.values.first { $0.identity == insight.identity }
            if let existing {
                insight.id = existing.id
                insight.firstSeen = existing.firstSeen
            } else if stored[insight.id] != nil || insightState.contains(where: { $0.key != organization && $0.value[insight.id] != nil }) {
                throw StoreError.conflict("insight id \(insight.id) exists")
            }
            stored[insight.id] = insight
            saved.append(SavedInsight(insight: insight, created: existing == nil))
        }
        insightState[organization] = stored
        return saved
    }

    public func insight(id: String, organization: OrganizationID) async throws -> Insight? {
        if let failure { throw failure }
        return insightState[organization]?[id]
    }

    public func insights(_ query: InsightQuery, organization: OrganizationID, at now: Timestamp) async throws -> [Insight] {
        if let failure { throw failure }
        return (insightState[organization] ?? [:]).values.filter { query.matches($0, at: now) }
            .sorted(by: InsightQuery.ranksBefore).prefix(max(0, query.limit)).map { $0 }
    }

    public func pruneInsights(organization: OrganizationID, keep: Int, at now: Timestamp) async throws -> Int {
        if let failure { throw failure }
        let all = (insightState[organization] ?? [:]).values
        let kept = all.filter { $0.expiresAt > now }.sorted(by: InsightQuery.ranksBefore).prefix(max(0, keep))
        insightState[organization] = Dictionary(kept.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
        return all.count - kept.count
    }
}
