import ChurnGuardCore
import Metrics
import Synchronization

/// Caps how many reads of stored data one organization runs at once, so one tenant's burst
/// of heavy queries cannot take every database connection (or reader) from the others.
///
/// A read past the cap is refused at once with 429 and `Retry-After: 1` rather than queued:
/// a queue would only move the pile-up into memory and lengthen every waiting request.
final class QueryLimiter: Sendable {
    /// Most concurrent reads per organization (`api.max_concurrent_queries_per_org`).
    let limit: Int
    private let running = Mutex<[OrganizationID: Int]>([:])
    private let refusals: Counter

    /// Creates a limiter allowing `limit` (at least 1) concurrent reads per organization;
    /// refusals count in `metricsFactory`.
    init(limit: Int, metricsFactory: any MetricsFactory = MetricsSystem.factory) {
        self.limit = max(1, limit)
        refusals = Counter(label: "churnguard_query_concurrency_refusals_total", factory: metricsFactory)
    }

    /// Runs `body` if `organization` has a free slot, else throws a 429 ``ServiceError``.
    func run<T: Sendable>(for organization: OrganizationID, _ body: () async throws -> T) async throws -> T {
        let admitted = running.withLock { counts -> Bool in
            let current = counts[organization, default: 0]
            guard current < limit else { return false }
            counts[organization] = current + 1
            return true
        }
        guard admitted else {
            refusals.increment()
            throw ServiceError(.rateLimited(retryAfterSeconds: 1), code: "too_many_concurrent_queries",
                               message: "this organization already runs \(limit) queries at once; retry when one has finished")
        }
        defer {
            running.withLock { counts in
                let remaining = counts[organization, default: 1] - 1
                counts[organization] = remaining > 0 ? remaining : nil
            }
        }
        return try await body()
    }

    /// Reads in flight for `organization` (for tests).
    func inFlight(_ organization: OrganizationID) -> Int { running.withLock { $0[organization, default: 0] } }
}
