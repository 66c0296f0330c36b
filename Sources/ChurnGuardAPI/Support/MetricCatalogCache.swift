import ChurnGuardCore
import ChurnGuardStorage
import Metrics
import Synchronization

/// Remembers each organization's metric list (`GET /api/v1/analytics/metrics`, the dashboard's
/// most frequent read) for a short time, so polling it costs no database round trip.
///
/// An ingest through this replica forgets its organization's entry at once, so a client reads
/// its own writes; points written through another replica or the bulk CLI appear within `ttl`.
/// At most `capacity` organizations are remembered (the table is emptied when full).
final class MetricCatalogCache: Sendable {
    private struct Entry {
        let summaries: [MetricSummary]
        let expires: ContinuousClock.Instant
    }

    let ttl: Duration
    let capacity: Int
    private let entries = Mutex<[OrganizationID: Entry]>([:])
    private let hits: Counter
    private let misses: Counter

    /// A cache keeping lists for `ttl` (zero: never), for at most `capacity` organizations,
    /// counting hits and misses through `metricsFactory`.
    init(ttl: Duration, capacity: Int = 10_000, metricsFactory: any MetricsFactory = MetricsSystem.factory) {
        self.ttl = ttl
        self.capacity = max(1, capacity)
        hits = Counter(label: "churnguard_metric_catalog_cache_total", dimensions: [("result", "hit")], factory: metricsFactory)
        misses = Counter(label: "churnguard_metric_catalog_cache_total", dimensions: [("result", "miss")], factory: metricsFactory)
    }

    /// The organization's metric list, from the cache or from `load`.
    func summaries(of organization: OrganizationID, load: () async throws -> [MetricSummary]) async throws -> [MetricSummary] {
        guard ttl > .zero else { return try await load() }
        let now = ContinuousClock.now
        if let cached = entries.withLock({ $0[organization] }), cached.expires > now {
            hits.increment()
            return cached.summaries
        }
        misses.increment()
        let loaded = try await load()
        entries.withLock { table in
            if table.count >= capacity { table.removeAll(keepingCapacity: true) }
            table[organization] = Entry(summaries: loaded, expires: now + ttl)
        }
        return loaded
    }

    /// Forgets the organization's list (after it stored points).
    func invalidate(_ organization: OrganizationID) {
        guard ttl > .zero else { return }
        _ = entries.withLock { $0.removeValue(forKey: organization) }
    }
}
