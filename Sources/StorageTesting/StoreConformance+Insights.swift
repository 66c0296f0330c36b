import ChurnGuardCore
public import ChurnGuardStorage
import Foundation

extension StoreConformance {
    /// The insights slice (``InsightStore``): one insight per identity, listings by rank with
    /// filters and expiry, pruning, tenant scope.
    public static let insightCases: [Case<any InsightStore>] = [
        Case(name: "an insight is saved, read back, updated by identity on a rerun and kept to its organization") { store in
            let a = OrganizationID.random(), b = OrganizationID.random()
            let first = Fixture.insight(organization: a, kind: .segmentContribution, segment: InsightSegment(dimension: "segment", value: "smb"))
            let saved = try await store.saveInsights([first], organization: a, at: Fixture.base)
            try check(saved == [SavedInsight(insight: first, created: true)], "created \(saved)")
            try check(try await store.insight(id: first.id, organization: a) == first, "read back")
            try check(try await store.insight(id: first.id, organization: b) == nil, "another organization cannot read it")
            // The next run finds the same kind, metric and segment under a new id: it updates.
            var rerun = Fixture.insight(organization: a, kind: .segmentContribution, segment: InsightSegment(dimension: "segment", value: "smb"),
                                        seen: Fixture.base.adding(seconds: 3_600))
            rerun.confidence = 0.93
            rerun.narrative = "updated"
            rerun.evidence = ["share_of_change": .number(0.81), "drivers": .list(["smb"])]
            let updated = try await store.saveInsights([rerun], organization: a, at: rerun.lastSeen)
            var expected = rerun
            expected.id = first.id
            expected.firstSeen = first.firstSeen
            try check(updated == [SavedInsight(insight: expected, created: false)], "updated keeps id and first sighting \(updated)")
            try check(try await store.insight(id: first.id, organization: a) == expected, "stored update")
            try check(try await store.insight(id: rerun.id, organization: a) == nil, "no second insight")
            try check(try await store.insights(InsightQuery(), organization: a, at: Fixture.base).count == 1, "one per identity")
            // Another organization's insight of the same identity is its own.
            let theirs = Fixture.insight(organization: b, kind: .segmentContribution, segment: InsightSegment(dimension: "segment", value: "smb"))
            let other = try await store.saveInsights([theirs], organization: b, at: Fixture.base)
            try check(other.first?.created == true && other.first?.insight.id == theirs.id, "b's own insight")
            try check(try await store.insight(id: first.id, organization: a) == expected, "a's untouched")
            // Another segment or another metric is another identity.
            let wider = Fixture.insight(organization: a, kind: .segmentContribution, segment: nil)
            let plan = Fixture.insight(organization: a, kind: .segmentContribution, segment: InsightSegment(dimension: "plan", value: "smb"))
            let distinct = try await store.saveInsights([wider, plan], organization: a, at: Fixture.base)
            try check(distinct.map(\.created) == [true, true], "distinct identities \(distinct)")
        },
        Case(name: "listings filter by severity, kind, metric, segment and confidence, rank, limit and leave out expired ones") { store in
            let a = OrganizationID.random()
            var high = Fixture.insight(organization: a, kind: .periodChange, metric: "customer_activity")
            high.severity = .high
            high.confidence = 0.9
            var low = Fixture.insight(organization: a, kind: .trendChange, metric: "login_count")
            low.severity = .low
            low.confidence = 0.7
            var revenue = Fixture.insight(organization: a, kind: .revenueAtRisk, metric: "churn_risk_score")
            revenue.severity = .high
            revenue.confidence = 0.9
            revenue.revenueImpact = 12_500
            var smb = Fixture.insight(organization: a, kind: .segmentContribution, metric: "customer_activity",
                                      segment: InsightSegment(dimension: "segment", value: "smb"))
            smb.severity = .medium
            smb.confidence = 0.65
            var expired = Fixture.insight(organization: a, kind: .leadingIndicator, metric: "support_tickets")
            expired.expiresAt = Fixture.base.adding(seconds: -1)
            _ = try await store.saveInsights([high, low, revenue, smb, expired], organization: a, at: Fixture.base)
            let now = Fixture.base
            let all = try await store.insights(InsightQuery(), organization: a, at: now)
            try check(all.map(\.id) == [revenue.id, high.id, smb.id, low.id], "rank order without expired \(all.map(\.kind))")
            try check(try await store.insights(InsightQuery(minimumSeverity: .high), organization: a, at: now).map(\.id) == [revenue.id, high.id], "severity")
            try check(try await store.insights(InsightQuery(kind: .trendChange), organization: a, at: now).map(\.id) == [low.id], "kind")
            try check(try await store.insights(InsightQuery(metricName: "customer_activity"), organization: a, at: now).map(\.id) == [high.id, smb.id], "metric")
            try check(try await store.insights(InsightQuery(segmentValue: "smb"), organization: a, at: now).map(\.id) == [smb.id], "segment")
            try check(try await store.insights(InsightQuery(minimumConfidence: 0.8), organization: a, at: now).map(\.id) == [revenue.id, high.id], "confidence")
            try check(try await store.insights(InsightQuery(limit: 2), organization: a, at: now).map(\.id) == [revenue.id, high.id], "limit")
            try check(try await store.insight(id: expired.id, organization: a) == expired, "an expired insight is still readable by id")
            let later = try await store.insights(InsightQuery(), organization: a, at: high.expiresAt)
            try check(later.isEmpty, "every insight expired later \(later.map(\.id))")
            try check(try await store.insights(InsightQuery(), organization: .random(), at: now).isEmpty, "tenant scope")
        },
        Case(name: "pruning deletes expired insights and the lowest ranked beyond the limit, in one organization only") { store in
            let a = OrganizationID.random(), b = OrganizationID.random()
            var insights: [Insight] = []
            for (index, confidence) in [0.9, 0.8, 0.7, 0.6].enumerated() {
                var insight = Fixture.insight(organization: a, kind: .periodChange, metric: "metric_\(index)")
                insight.confidence = confidence
                insights.append(insight)
            }
            var expired = Fixture.insight(organization: a, kind: .trendChange)
            expired.expiresAt = Fixture.base
            _ = try await store.saveInsights(insights + [expired], organization: a, at: Fixture.base)
            let theirs = Fixture.insight(organization: b, kind: .periodChange)
            _ = try await store.saveInsights([theirs], organization: b, at: Fixture.base)
            let deleted = try await store.pruneInsights(organization: a, keep: 2, at: Fixture.base)
            try check(deleted == 3, "deleted \(deleted)")
            let left = try await store.insights(InsightQuery(), organization: a, at: Fixture.base)
            try check(left.map(\.id) == [insights[0].id, insights[1].id], "kept the two best \(left.map(\.metricName))")
            try check(try await store.insight(id: expired.id, organization: a) == nil, "expired deleted")
            try check(try await store.insight(id: theirs.id, organization: b) == theirs, "b untouched")
        },
    ]
}

extension Fixture {
    static func insight(organization: OrganizationID, kind: InsightKind, metric: String = "customer_activity",
                        segment: InsightSegment? = nil, seen: Timestamp = Fixture.base) -> Insight {
        Insight(id: UUID().uuidString.lowercased(), organization: organization, kind: kind, metricName: metric, segment: segment,
                severity: .medium, confidence: 0.75, title: "Activity fell", narrative: "Activity fell by 12 % week over week.",
                evidence: ["relative_change": .number(-0.12), "significant": .flag(true), "period": .text("week")],
                revenueImpact: nil, firstSeen: seen, lastSeen: seen, expiresAt: seen.adding(seconds: 86_400))
    }
}
