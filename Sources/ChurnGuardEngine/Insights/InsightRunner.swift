public import ChurnGuardCore
public import ChurnGuardStorage
import Foundation
public import Logging
public import Metrics
import Synchronization

/// One generation run of one organization at a time: load, find, narrate, store (updating
/// insights of the same identity), prune to the organization's maximum, invalidate its read
/// cache, publish the new insights and count them by severity. Used by the periodic
/// ``InsightService`` and by `POST /api/v1/insights/generate`.
public final class InsightRunner: Sendable {
    /// Why a run did not happen.
    public enum RunError: Error, Equatable {
        /// A run of this organization is already in progress.
        case busy
    }

    /// What a run stored.
    public struct Run: Sendable {
        /// Every insight of the run as stored, best first.
        public var insights: [Insight]
        /// Those no earlier run had found.
        public var created: [Insight]
        /// Metrics left out (over the point budget).
        public var skipped: [String]
    }

    private let loader: InsightDataLoader
    private let generator: InsightGenerator
    private let narrator: InsightNarrator
    private let store: any InsightStore
    /// The read cache the run invalidates.
    public let cache: any InsightCache
    private let publish: @Sendable ([Insight]) async -> Void
    private let factory: any MetricsFactory
    private let logger: Logger
    private let running = Mutex<Set<OrganizationID>>([])

    /// A runner over the given roles.
    public init(backends: Backends, settings: InsightSettings, narrator: InsightNarrator, cache: any InsightCache,
                publish: @escaping @Sendable ([Insight]) async -> Void, metricsFactory: any MetricsFactory, logger: Logger) {
        loader = InsightDataLoader(points: backends.points, rollups: backends.rollups, alerts: backends.alerts,
                                   anomalies: backends.anomalies, settings: settings)
        generator = InsightGenerator(settings: settings)
        self.narrator = narrator
        store = backends.insights
        self.cache = cache
        self.publish = publish
        factory = metricsFactory
        self.logger = logger
    }

    /// The settings of the runs.
    public var settings: InsightSettings { generator.settings }

    /// Runs one generation of `organization` as of `asOf`.
    /// - Throws: ``RunError/busy`` when a run of the organization is in progress; store errors.
    public func run(organization: OrganizationID, asOf: Timestamp) async throws -> Run {
        let claimed = running.withLock { $0.insert(organization).inserted }
        guard claimed else { throw RunError.busy }
        defer { _ = running.withLock { $0.remove(organization) } }
        let loaded = try await loader.load(organization: organization, asOf: asOf)
        let findings = generator.findings(loaded.inputs)
        let expiry = asOf.adding(seconds: settings.expirySeconds)
        let drafts = findings.map { finding in
            Insight(id: UUID().uuidString.lowercased(), organization: organization, kind: finding.kind, metricName: finding.metricName,
                    segment: finding.segment, severity: finding.severity, confidence: finding.confidence, title: finding.title,
                    narrative: narrator.narrate(finding), evidence: finding.evidence, revenueImpact: finding.revenueImpact,
                    firstSeen: asOf, lastSeen: asOf, expiresAt: expiry)
        }
        let saved = try await store.saveInsights(drafts, organization: organization, at: asOf)
        _ = try await store.pruneInsights(organization: organization, keep: settings.maxPerOrganization, at: asOf)
        cache.invalidate(organization)
        let created = saved.filter(\.created).map(\.insight)
        for insight in created {
            Counter(label: MetricNames.insightsGenerated,
                    dimensions: [("organization_id", organization.description), ("severity", insight.severity.rawValue)],
                    factory: factory).increment()
        }
        if !created.isEmpty { await publish(created) }
        if !loaded.skipped.isEmpty {
            logger.warning("insight run left out metrics over the point budget", metadata: [
                "organization_id": "\(organization)", "metrics": "\(loaded.skipped.joined(separator: ","))",
            ])
        }
        return Run(insights: saved.map(\.insight), created: created, skipped: loaded.skipped)
    }
}
