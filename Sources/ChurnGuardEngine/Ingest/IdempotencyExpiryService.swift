public import ChurnGuardStorage
public import Logging
public import ServiceLifecycle
import ChurnGuardCore
import Metrics

/// Forgets ingest idempotency keys older than `api.idempotency_key_ttl` (24 h by default), so
/// the table stays bounded; a retry after that is treated as a new request. Part of the worker.
public struct IdempotencyExpiryService<C: Clock>: Service where C.Duration == Duration {
    let store: any MetricStore
    let ttlSeconds: Int64
    let interval: Duration
    let clock: C
    let now: NowFunction
    let logger: Logger
    let metrics: WorkerMetrics?

    /// Creates the service; it runs every `interval` and removes keys older than `ttlSeconds`.
    public init(store: any MetricStore, ttlSeconds: Int64, interval: Duration, clock: C, now: @escaping NowFunction, logger: Logger,
                metrics: WorkerMetrics? = nil) {
        self.metrics = metrics
        self.store = store
        self.ttlSeconds = ttlSeconds
        self.interval = interval
        self.clock = clock
        self.now = now
        self.logger = logger
    }

    /// Runs at once and then every `interval` until graceful shutdown; failures are logged.
    public func run() async throws {
        await runPeriodically(every: interval, clock: clock, logger: logger, name: "idempotency-expiry", metrics: metrics) {
            try await runOnce()
        }
    }

    /// Removes the expired keys once; returns how many.
    @discardableResult
    public func runOnce() async throws -> Int {
        let removed = try await store.expireIdempotencyKeys(before: now().adding(seconds: -ttlSeconds))
        Counter(label: "churnguard_idempotency_keys_expired_total").increment(by: removed)
        if removed > 0 { logger.debug("idempotency keys expired", metadata: ["removed": "\(removed)"]) }
        return removed
    }
}
