import ChurnGuardCore
public import ChurnGuardStorage
import Foundation
import Metrics

/// Wraps every store role so that each database call is timed in
/// `churnguard_database_query_duration_seconds{query_type}`, failures included: one place
/// for every backend, so no route or service can forget to time its queries.
public enum TimedBackends {
    /// `backends` with every call timed into `metrics`.
    public static func wrap(_ backends: Backends, metrics: ServiceMetrics) -> Backends {
        let timers = QueryTimers(factory: metrics.factory)
        return Backends(
            name: backends.name,
            points: TimedMetricStore(base: backends.points, timers: timers),
            rollups: TimedRollupStore(base: backends.rollups, timers: timers),
            identity: TimedOrganizationStore(base: backends.identity, timers: timers),
            alerts: TimedAlertStore(base: backends.alerts, factory: metrics.factory),
            notifications: TimedNotificationStore(base: backends.notifications, factory: metrics.factory),
            anomalies: TimedAnomalyStore(base: backends.anomalies, factory: metrics.factory),
            anomalyLeases: backends.anomalyLeases,
            insights: TimedInsightStore(base: backends.insights, factory: metrics.factory),
            recommendations: TimedRecommendationStore(base: backends.recommendations, factory: metrics.factory),
            lifecycle: backends.lifecycle)
    }
}

/// One histogram per query type, made once.
struct QueryTimers: Sendable {
    let insertPoints, selectPoints, listMetrics: Timer
    let foldRollups, selectRollups, expire, rollupStatistics: Timer
    let selectOrganization, writeOrganization, selectApiKey, writeApiKey: Timer

    init(factory: any MetricsFactory) {
        func timer(_ type: String) -> Timer {
            Timer(label: MetricNames.databaseQueryDuration, dimensions: [("query_type", type)], factory: factory)
        }
        insertPoints = timer("insert_points")
        selectPoints = timer("select_points")
        listMetrics = timer("list_metrics")
        foldRollups = timer("fold_rollups")
        selectRollups = timer("select_rollups")
        expire = timer("expire")
        rollupStatistics = timer("rollup_statistics")
        selectOrganization = timer("select_organization")
        writeOrganization = timer("write_organization")
        selectApiKey = timer("select_api_key")
        writeApiKey = timer("write_api_key")
    }
}

/// Runs `body`, recording its duration in `timer` whether it succeeds or throws.
@inline(__always)
func timed<T>(_ timer: Timer, _ body: () async throws -> T) async throws -> T {
    let start = ContinuousClock.now
    defer { timer.record(duration: ContinuousClock.now - start) }
    return try await body()
}

struct TimedMetricStore: MetricStore {
    let base: any MetricStore
    let timers: QueryTimers

    func append(_ batches: [PointBatch]) async throws -> [AppendOutcome] {
        try await timed(timers.insertPoints) { try await base.append(batches) }
    }

    func expireIdempotencyKeys(before cutoff: Timestamp) async throws -> Int {
        try await timed(timers.expire) { try await base.expireIdempotencyKeys(before: cutoff) }
    }

    func points(_ query: PointQuery, organization: OrganizationID) async throws -> PointPage {
        try await timed(timers.selectPoints) { try await base.points(query, organization: organization) }
    }

    func metrics(organization: OrganizationID) async throws -> [MetricSummary] {
        try await timed(timers.listMetrics) { try await base.metrics(organization: organization) }
    }
}

struct TimedRollupStore: RollupStore {
    let base: any RollupStore
    let timers: QueryTimers

    func foldNewPoints(maxPoints: Int, dimensions: RollupDimensions) async throws -> RollupRun {
        try await timed(timers.foldRollups) { try await base.foldNewPoints(maxPoints: maxPoints, dimensions: dimensions) }
    }

    func dimensionRollups(metricName: String, dimension: String, resolution: RollupResolution, from: Timestamp?, to: Timestamp?,
                          limit: Int, organization: OrganizationID) async throws -> [DimensionRollupBucket] {
        try await timed(timers.selectRollups) {
            try await base.dimensionRollups(metricName: metricName, dimension: dimension, resolution: resolution, from: from, to: to,
                                            limit: limit, organization: organization)
        }
    }

    func rollups(metricName: String, resolution: RollupResolution, from: Timestamp?, to: Timestamp?,
                 limit: Int, organization: OrganizationID) async throws -> [RollupBucket] {
        try await timed(timers.selectRollups) {
            try await base.rollups(metricName: metricName, resolution: resolution, from: from, to: to,
                                   limit: limit, organization: organization)
        }
    }

    func expire(_ tier: RetentionTier, before cutoff: Timestamp, limit: Int) async throws -> Int {
        try await timed(timers.expire) { try await base.expire(tier, before: cutoff, limit: limit) }
    }

    func rollupStatistics() async throws -> RollupStatistics {
        try await timed(timers.rollupStatistics) { try await base.rollupStatistics() }
    }
}

struct TimedOrganizationStore: OrganizationStore {
    let base: any OrganizationStore
    let timers: QueryTimers

    func createOrganization(_ organization: Organization) async throws {
        try await timed(timers.writeOrganization) { try await base.createOrganization(organization) }
    }

    func organization(id: OrganizationID) async throws -> Organization? {
        try await timed(timers.selectOrganization) { try await base.organization(id: id) }
    }

    func organization(named name: String) async throws -> Organization? {
        try await timed(timers.selectOrganization) { try await base.organization(named: name) }
    }

    func allOrganizations() async throws -> [Organization] {
        try await timed(timers.selectOrganization) { try await base.allOrganizations() }
    }

    func createApiKey(_ record: ApiKeyRecord) async throws {
        try await timed(timers.writeApiKey) { try await base.createApiKey(record) }
    }

    func apiKey(id: String) async throws -> ApiKeyRecord? {
        try await timed(timers.selectApiKey) { try await base.apiKey(id: id) }
    }

    func apiKeys(organization: OrganizationID) async throws -> [ApiKeyRecord] {
        try await timed(timers.selectApiKey) { try await base.apiKeys(organization: organization) }
    }

    func revokeApiKey(id: String, at date: Date) async throws -> Bool {
        try await timed(timers.writeApiKey) { try await base.revokeApiKey(id: id, at: date) }
    }
}
