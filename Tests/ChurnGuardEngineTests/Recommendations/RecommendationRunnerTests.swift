import ChurnGuardCore
@testable import ChurnGuardEngine
import ChurnGuardStorage
import Foundation
import Logging
import MetricsTestKit
import Synchronization
import Testing

/// Recommendation runs over the in-memory store: a rule fired by a stored insight, priced from
/// the stored points, updated rather than repeated, counted per organization and category;
/// outcomes measured after the horizon; one organization's failure isolated in the service.
@Suite("Recommendation runner")
struct RecommendationRunnerTests {
    static let asOf = Timestamp(seconds: 1_764_000_000)
    static let day: Int64 = 86_400

    static let rule = RecommendationRule(
        id: "smb_calls", confidence: 0.8, conditions: .insight(InsightMatch(kind: .segmentContribution, segmentValue: "smb")),
        target: RecommendationTarget(metricName: "customer_activity", segment: InsightSegment(dimension: "segment", value: "smb")),
        minimumChurnRisk: 0.5, title: "Call SMB", description: "Call them.", category: .successCall,
        effect: EffectRange(low: 0.1, expected: 0.2, high: 0.3), horizonDays: 30, fixedCost: 100, costPerCustomer: 10)

    /// 20 smb customers c0…c19 with churn risk i/20 and MRR 100 × (i + 1), one point a day for
    /// the 20 days before `asOf`; and an enterprise customer that must never count.
    static func seed(_ store: InMemoryStore, _ organization: OrganizationID) async throws {
        var points: [MetricPoint] = []
        for day in 0..<20 {
            let time = asOf.adding(seconds: -Int64(day) * Self.day - 60)
            for i in 0..<20 {
                let tags = ["customer_id": "c\(i)", "segment": "smb", "plan": "growth"]
                points.append(MetricPoint(metricName: "churn_risk_score", timestamp: time, value: Double(i) / 20, tags: tags))
                points.append(MetricPoint(metricName: "mrr", timestamp: time, value: 100 * Double(i + 1), tags: tags))
            }
            let big = ["customer_id": "e1", "segment": "enterprise", "plan": "enterprise"]
            points.append(MetricPoint(metricName: "churn_risk_score", timestamp: time, value: 0.9, tags: big))
            points.append(MetricPoint(metricName: "mrr", timestamp: time, value: 50_000, tags: big))
        }
        _ = try await store.append([PointBatch(organization: organization, points: points)])
    }

    static func insight(_ organization: OrganizationID, confidence: Double = 0.8) -> Insight {
        Insight(id: UUID().uuidString.lowercased(), organization: organization, kind: .segmentContribution, metricName: "customer_activity",
                segment: InsightSegment(dimension: "segment", value: "smb"), severity: .high, confidence: confidence, title: "SMB activity fell",
                narrative: "n", evidence: [:], revenueImpact: nil, firstSeen: asOf, lastSeen: asOf, expiresAt: asOf.adding(seconds: 86_400))
    }

    static func runner(_ backends: Backends, metrics: TestMetrics, rules: [RecommendationRule] = [Self.rule],
                       published: PublishedRecommendations? = nil) -> RecommendationRunner {
        var settings = RecommendationSettings()
        settings.customerLookbackDays = 2
        let sink = published
        return RecommendationRunner(backends: backends, book: RecommendationRuleBook(rules: rules), settings: settings,
                                    cache: InProcessRecommendationCache(ttlSeconds: 60),
                                    publish: { new in sink?.items.withLock { $0 += new } }, metricsFactory: metrics, logger: Logger(label: "test"))
    }

    @Test("a stored insight fires the rule; ROI from the stored points; a rerun updates; counted by organization and category")
    func firesAndPrices() async throws {
        let store = InMemoryStore()
        let (a, b) = (OrganizationID.random(), OrganizationID.random())
        try await Self.seed(store, a)
        try await Self.seed(store, b)
        let insight = Self.insight(a)
        _ = try await store.saveInsights([insight], organization: a, at: Self.asOf)
        let metrics = TestMetrics()
        let published = PublishedRecommendations()
        let runner = Self.runner(.single(store, name: "memory"), metrics: metrics, published: published)
        let first = try await runner.run(organization: a, asOf: Self.asOf)
        #expect(first.fired == ["smb_calls"] && first.created.count == 1)
        let made = try #require(first.created.first)
        // Affected: c10…c19 (risk ≥ 0.5, smb only). At risk over 1 month: Σ 100(i+1) × i/20 = 11,650;
        // saved 20% = 2,330; cost 100 + 10 × 10 = 200; ROI 10.65; expected value 2,130.
        #expect(made.affectedCustomers == 10 && Set(made.customers) == Set((10..<20).map { "c\($0)" }))
        #expect(made.customers.first == "c19", "highest revenue at risk first")
        #expect(made.roi?.expected == ROIFigures(revenueAtRisk: 11_650, savedRevenue: 2_330, cost: 200, roi: 10.65))
        #expect(made.expectedValue == 2_130 && made.confidence == 0.8 && made.insightIDs == [insight.id])
        #expect(published.items.withLock { $0.map(\.id) } == [made.id])
        let counted = try metrics.expectCounter(MetricNames.recommendationsGenerated,
                                                [("organization_id", a.description), ("category", "success_call")])
        #expect(counted.totalValue == 1)

        let second = try await runner.run(organization: a, asOf: Self.asOf.adding(seconds: 900))
        #expect(second.created.isEmpty && second.recommendations.map(\.id) == [made.id])
        #expect(try await store.recommendations(RecommendationQuery(), organization: a).count == 1)
        #expect(try await runner.run(organization: b, asOf: Self.asOf).recommendations.isEmpty, "b has no insight: nothing fires")
        #expect(try await store.recommendations(RecommendationQuery(), organization: b).isEmpty)
    }

    @Test("a rule that stops firing: its open recommendation is pruned at the next run; at most max_recommendations kept")
    func pruning() async throws {
        let store = InMemoryStore()
        let a = OrganizationID.random()
        try await Self.seed(store, a)
        _ = try await store.saveInsights([Self.insight(a)], organization: a, at: Self.asOf)
        var wide = Self.rule
        wide.id = "wide_calls"
        wide.target = RecommendationTarget(metricName: "churn_risk_score")
        var settings = RecommendationSettings()
        settings.maxPerOrganization = 1
        let runner = RecommendationRunner(backends: .single(store, name: "memory"), book: RecommendationRuleBook(rules: [Self.rule, wide]),
                                          settings: settings, cache: InProcessRecommendationCache(ttlSeconds: 0),
                                          metricsFactory: TestMetrics(), logger: Logger(label: "test"))
        let run = try await runner.run(organization: a, asOf: Self.asOf)
        #expect(run.fired == ["smb_calls", "wide_calls"])
        #expect(run.recommendations.map(\.ruleID) == ["wide_calls"], "the enterprise customer makes it worth more; one kept")
        // The insight expires: nothing fires any more, and the open recommendation goes.
        let later = Self.asOf.adding(seconds: 2 * Self.day)
        let quiet = try await runner.run(organization: a, asOf: later)
        #expect(quiet.fired.isEmpty)
        #expect(try await store.recommendations(RecommendationQuery(), organization: a).isEmpty)
    }

    @Test("after the horizon an accepted recommendation gets its outcome, recovering the planted effect; learning folds it in")
    func outcome() async throws {
        let store = InMemoryStore()
        let a = OrganizationID.random()
        try await Self.seed(store, a)
        _ = try await store.saveInsights([Self.insight(a)], organization: a, at: Self.asOf)
        let metrics = TestMetrics()
        let runner = Self.runner(.single(store, name: "memory"), metrics: metrics)
        let made = try #require(try await runner.run(organization: a, asOf: Self.asOf).created.first)
        let treated = ["c10", "c12", "c14", "c16", "c18"]
        _ = try await store.updateRecommendation(id: made.id, organization: a, .accept(customers: treated, note: nil, at: Self.asOf))
        // The last 14 days of the horizon: everyone drifts +0.05 (± 0.01), the treated 0.1 less.
        var points: [MetricPoint] = []
        for day in 16..<30 {
            let time = Self.asOf.adding(seconds: Int64(day) * Self.day + 60)
            for i in 0..<20 {
                let tags = ["customer_id": "c\(i)", "segment": "smb", "plan": "growth"]
                let wobble = Double((i + day) % 3 - 1) * 0.01
                let risk = Double(i) / 20 + 0.05 + wobble - (treated.contains("c\(i)") ? 0.1 : 0)
                points.append(MetricPoint(metricName: "churn_risk_score", timestamp: time, value: risk, tags: tags))
                points.append(MetricPoint(metricName: "mrr", timestamp: time, value: 100 * Double(i + 1), tags: tags))
            }
        }
        _ = try await store.append([PointBatch(organization: a, points: points)])
        let early = try await runner.trackOutcomes(organization: a, asOf: Self.asOf.adding(seconds: 29 * Self.day))
        #expect(early.isEmpty, "not before the horizon")
        let due = Self.asOf.adding(seconds: 30 * Self.day + 120)
        let measured = try #require(try await runner.trackOutcomes(organization: a, asOf: due).first?.outcome)
        #expect(measured.treated == 5 && measured.control == 7, "controls: c11…c19 odd and c8, c9 (within 0.1 of c10's risk) \(measured)")
        #expect(measured.ciLow <= 0.1 && 0.1 <= measured.ciHigh && abs(measured.measuredEffect - 0.1) < 0.02, "\(measured)")
        #expect(abs(measured.treatedPriorRisk - 0.7) < 1e-9 && abs(measured.expectedEffect - 0.14) < 1e-9)
        #expect(try await runner.trackOutcomes(organization: a, asOf: due).isEmpty, "measured once")
        let counted = try metrics.expectCounter(MetricNames.recommendationOutcomes, [("organization_id", a.description), ("category", "success_call")])
        #expect(counted.totalValue == 1)
        let learned = try await runner.learnedEffect(Self.rule, organization: a)
        // (50 × 0.2 + 5 × 0.1/0.7) / 55
        #expect(abs(learned.expected - (50 * 0.2 + 5 * measured.measuredEffect / 0.7) / 55) < 1e-9)
    }

    @Test("the service isolates organizations: one failing is counted and the others still get their recommendations")
    func serviceIsolation() async throws {
        let store = InMemoryStore()
        let good = Organization(id: .random(), name: "good", tier: .default, createdAt: Date())
        let bad = Organization(id: .random(), name: "bad", tier: .default, createdAt: Date())
        try await store.createOrganization(bad)
        try await store.createOrganization(good)
        for organization in [good.id, bad.id] {
            try await Self.seed(store, organization)
            _ = try await store.saveInsights([Self.insight(organization)], organization: organization, at: Self.asOf)
        }
        let backends = Backends(name: "memory", points: FailingPoints(base: store, failing: bad.id), rollups: store, identity: store, alerts: store,
                                notifications: store, anomalies: store, anomalyLeases: store, insights: store, recommendations: store, lifecycle: store)
        let metrics = TestMetrics()
        let service = RecommendationService(runner: Self.runner(backends, metrics: metrics), organizations: store, bus: nil,
                                            interval: .seconds(60), now: { Self.asOf }, logger: Logger(label: "test"), metricsFactory: metrics)
        #expect(try await service.runOnce() == 1)
        #expect(try await store.recommendations(RecommendationQuery(), organization: good.id).count == 1)
        let failures = try metrics.expectCounter(MetricNames.recommendationFailures, [("organization_id", bad.id.description)])
        #expect(failures.totalValue == 1)
    }

    @Test("the service runs an organization when its insight run publishes new insights")
    func runsAfterInsights() async throws {
        let store = InMemoryStore()
        let a = Organization(id: .random(), name: "a", tier: .default, createdAt: Date())
        try await store.createOrganization(a)
        try await Self.seed(store, a.id)
        let insight = Self.insight(a.id)
        _ = try await store.saveInsights([insight], organization: a.id, at: Self.asOf)
        let bus = InProcessEventBus()
        let service = RecommendationService(runner: Self.runner(.single(store, name: "memory"), metrics: TestMetrics()), organizations: store,
                                            bus: bus, interval: .seconds(3_600), now: { Self.asOf }, logger: Logger(label: "test"))
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await service.run() }
            // The periodic pass runs first; drop what it made so only the event's run can bring it back.
            for _ in 0..<500 where try await store.recommendations(RecommendationQuery(), organization: a.id).isEmpty {
                try await Task.sleep(for: .milliseconds(10))
            }
            _ = try await store.pruneRecommendations(organization: a.id, keep: 0, confirmedAt: Self.asOf)
            #expect(try await store.recommendations(RecommendationQuery(), organization: a.id).isEmpty)
            bus.publish(.insightsGenerated([insight]))
            var found = false
            for _ in 0..<500 {
                if try await !store.recommendations(RecommendationQuery(), organization: a.id).isEmpty { found = true; break }
                try await Task.sleep(for: .milliseconds(10))
            }
            #expect(found, "the insight event triggered a run")
            group.cancelAll()
        }
    }
}

/// What a runner published.
final class PublishedRecommendations: Sendable {
    let items = Mutex<[Recommendation]>([])
}

/// Points of one organization fail (a simulated outage); the rest pass through.
final class FailingPoints: MetricStore {
    let base: InMemoryStore
    let failing: OrganizationID

    init(base: InMemoryStore, failing: OrganizationID) {
        self.base = base
        self.failing = failing
    }

    func append(_ batches: [PointBatch]) async throws -> [AppendOutcome] { try await base.append(batches) }
    func expireIdempotencyKeys(before cutoff: Timestamp) async throws -> Int { try await base.expireIdempotencyKeys(before: cutoff) }
    func points(_ query: PointQuery, organization: OrganizationID) async throws -> PointPage {
        if organization == failing { throw StoreError.unavailable("simulated outage") }
        return try await base.points(query, organization: organization)
    }
    func metrics(organization: OrganizationID) async throws -> [MetricSummary] { try await base.metrics(organization: organization) }
}
