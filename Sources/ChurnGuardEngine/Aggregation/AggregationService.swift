public import ChurnGuardCore
public import ChurnGuardStorage
public import Logging
public import ServiceLifecycle
public import Metrics

/// Folds newly stored points into the hourly and daily rollups every
/// `data_aggregation.processing_interval_seconds`.
///
/// Each store transaction folds at most `batchSize` points (whole or not at all), so a
/// SIGTERM between or during transactions never leaves a half-done bucket. `maxWorkers`
/// concurrent loops may call the store; the store's watermark, read and advanced inside its
/// transaction, keeps them from folding a point twice (on SQLite the single writer
/// serializes them anyway; see docs/AGGREGATION.md).
public struct AggregationService<C: Clock>: Service where C.Duration == Duration {
    /// Tuning from `data_aggregation`.
    public struct Options: Sendable {
        /// Time between runs.
        public var interval: Duration
        /// Most points folded per transaction.
        public var batchSize: Int
        /// Concurrent folding loops per run.
        public var maxWorkers: Int
        /// The dimension tags also rolled up (`data_aggregation.dimensions`) and their cap.
        public var dimensions: RollupDimensions

        /// Creates options.
        public init(interval: Duration = .seconds(60), batchSize: Int = 1000, maxWorkers: Int = 1,
                    dimensions: RollupDimensions = .standard) {
            self.interval = interval
            self.batchSize = max(1, batchSize)
            self.maxWorkers = max(1, maxWorkers)
            self.dimensions = dimensions
        }
    }

    let store: any RollupStore
    let options: Options
    let clock: C
    let counters: PipelineCounters
    let logger: Logger
    let metrics: WorkerMetrics?
    private let rejectedBuckets: Counter

    /// Creates the service; `clock` paces the runs (a test clock in tests).
    public init(store: any RollupStore, options: Options, clock: C, counters: PipelineCounters, logger: Logger,
                metrics: WorkerMetrics? = nil, metricsFactory: any MetricsFactory = MetricsSystem.factory) {
        self.metrics = metrics
        rejectedBuckets = Counter(label: "churnguard_rollup_buckets_rejected_total", factory: metricsFactory)
        self.store = store
        self.options = options
        self.clock = clock
        self.counters = counters
        self.logger = logger
    }

    /// Runs at once and then every `interval` until graceful shutdown; failures are logged and counted.
    public func run() async throws {
        await runPeriodically(every: options.interval, clock: clock, logger: logger, name: "aggregation", counters: counters,
                              metrics: metrics) {
            _ = try await runOnce()
        }
    }

    /// Folds everything pending, one transaction of at most `batchSize` points at a time,
    /// until the store is caught up or the task is cancelled. Returns the points folded.
    @discardableResult
    public func runOnce() async throws -> Int {
        let started = ContinuousClock.now
        let total = try await withThrowingTaskGroup(of: Int.self) { group in
            for _ in 0..<options.maxWorkers {
                group.addTask {
                    var folded = 0
                    while !Task.isCancelled {
                        let run = try await store.foldNewPoints(maxPoints: options.batchSize, dimensions: options.dimensions)
                        folded += run.folded
                        report(run.rejected)
                        if run.folded < options.batchSize { break }
                    }
                    return folded
                }
            }
            return try await group.reduce(0, +)
        }
        counters.update { $0.aggregationRuns += 1; $0.pointsRolledUp += total }
        // Not cancelled means every loop stopped on a short batch: nothing was pending at its end.
        if !Task.isCancelled { metrics?.rollupLag.caughtUp(at: started) }
        if total > 0 { logger.debug("rolled up points", metadata: ["points": "\(total)"]) }
        return total
    }

    /// Logs and counts buckets the store refused to write (their merged summary was not
    /// finite): the run went on for every other series, and these stay as they were.
    private func report(_ rejected: [RejectedRollupBucket]) {
        guard !rejected.isEmpty else { return }
        counters.update { $0.rejectedBuckets += rejected.count }
        rejectedBuckets.increment(by: rejected.count)
        for bucket in rejected.prefix(10) {
            logger.error("rollup bucket refused: merging would overflow; the bucket keeps its previous summary", metadata: [
                "organization_id": "\(bucket.organization)", "metric": "\(bucket.metricName.prefix(128))",
                "resolution": "\(bucket.resolution.rawValue)", "bucket": "\(bucket.bucket)",
                "dimension": "\(bucket.dimension ?? "")", "dimension_value": "\(bucket.dimensionValue?.prefix(128) ?? "")",
            ])
        }
    }
}
