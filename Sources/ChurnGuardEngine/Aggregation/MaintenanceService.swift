public import ChurnGuardStorage
public import Logging
public import ServiceLifecycle

/// Logs the aggregation pipeline's statistics periodically (every five minutes by default),
/// as the deployment guide's worker does: the store's watermark, pending points and rollup
/// row counts, plus the services' totals since start-up.
public struct MaintenanceService<C: Clock>: Service where C.Duration == Duration {
    let store: any RollupStore
    let interval: Duration
    let clock: C
    let counters: PipelineCounters
    let logger: Logger
    let metrics: WorkerMetrics?

    /// Creates the service.
    public init(store: any RollupStore, interval: Duration = .seconds(300), clock: C, counters: PipelineCounters, logger: Logger,
                metrics: WorkerMetrics? = nil) {
        self.metrics = metrics
        self.store = store
        self.interval = interval
        self.clock = clock
        self.counters = counters
        self.logger = logger
    }

    /// Logs the statistics at once and then every `interval` until graceful shutdown.
    public func run() async throws {
        await runPeriodically(every: interval, clock: clock, logger: logger, name: "maintenance", metrics: metrics) {
            let metadata = try await statistics()
            logger.info("aggregation pipeline statistics", metadata: metadata)
        }
    }

    /// The statistics one log line carries.
    public func statistics() async throws -> Logger.Metadata {
        let store = try await store.rollupStatistics()
        metrics?.pending.record(store.pendingPoints)
        let totals = counters.snapshot
        return [
            "watermark": "\(store.watermark)", "pending_points": "\(store.pendingPoints)",
            "hourly_buckets": "\(store.hourlyBuckets)", "daily_buckets": "\(store.dailyBuckets)",
            "aggregation_runs": "\(totals.aggregationRuns)", "points_rolled_up": "\(totals.pointsRolledUp)",
            "retention_runs": "\(totals.retentionRuns)", "raw_deleted": "\(totals.rawDeleted)",
            "hourly_deleted": "\(totals.hourlyDeleted)", "daily_deleted": "\(totals.dailyDeleted)",
            "failures": "\(totals.failures)",
        ]
    }
}
