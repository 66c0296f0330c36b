public import ChurnGuardStorage
public import Logging
public import ServiceLifecycle
public import Foundation

/// Keeps storage ready for the weeks ahead: on PostgreSQL, creates the coming weekly
/// partitions, so that without a fresh `migrate` new points still land in a partition of their
/// own week rather than the catch-all default one (which would never be dropped whole). Runs
/// at once and then every `interval` (an hour by default); idempotent, cheap when done.
public struct StoragePreparationService<C: Clock>: Service where C.Duration == Duration {
    let store: any StoreLifecycle
    let interval: Duration
    let clock: C
    let now: @Sendable () -> Date
    let counters: PipelineCounters
    let logger: Logger
    let metrics: WorkerMetrics?

    /// Creates the service; `now` is the date whose coming weeks are prepared.
    public init(store: any StoreLifecycle, interval: Duration = .seconds(3600), clock: C,
                now: @escaping @Sendable () -> Date = { Date() }, counters: PipelineCounters, logger: Logger,
                metrics: WorkerMetrics? = nil) {
        self.metrics = metrics
        self.store = store
        self.interval = interval
        self.clock = clock
        self.now = now
        self.counters = counters
        self.logger = logger
    }

    /// Prepares at once and then every `interval` until graceful shutdown; failures are
    /// logged, counted and retried at the next tick.
    public func run() async throws {
        await runPeriodically(every: interval, clock: clock, logger: logger, name: "storage-preparation", counters: counters,
                              metrics: metrics) {
            try await runOnce()
        }
    }

    /// Prepares once; returns how many partitions were created.
    @discardableResult
    public func runOnce() async throws -> Int {
        let created = try await store.prepareStorage(around: now())
        if created > 0 { logger.info("created storage partitions ahead", metadata: ["count": "\(created)"]) }
        return created
    }
}
