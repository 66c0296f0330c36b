public import ChurnGuardStorage
public import Logging
public import ServiceLifecycle
import ChurnGuardCore

/// Expires data by tier (`data_aggregation.retention_policy`): raw points, then hourly, then
/// daily rollups, each in transactions of at most `batchSize` rows, so no delete is unbounded
/// and the writer is never held long. Raw points not yet folded into the rollups are never
/// deleted (the store checks its watermark).
public struct RetentionService<C: Clock>: Service where C.Duration == Duration {
    /// Retention periods and pacing.
    public struct Options: Sendable {
        /// How long raw points are kept, in seconds.
        public var rawSeconds: Int64
        /// How long hourly rollups are kept, in seconds.
        public var hourlySeconds: Int64
        /// How long daily rollups are kept, in seconds.
        public var dailySeconds: Int64
        /// Most rows deleted per transaction.
        public var batchSize: Int
        /// Time between runs.
        public var interval: Duration

        /// Creates options (defaults: 7, 30 and 365 days, as the deployment guide).
        public init(rawSeconds: Int64 = 7 * 86_400, hourlySeconds: Int64 = 30 * 86_400, dailySeconds: Int64 = 365 * 86_400,
                    batchSize: Int = 1000, interval: Duration = .seconds(300)) {
            self.rawSeconds = rawSeconds
            self.hourlySeconds = hourlySeconds
            self.dailySeconds = dailySeconds
            self.batchSize = max(1, batchSize)
            self.interval = interval
        }
    }

    let store: any RollupStore
    let options: Options
    let clock: C
    let now: NowFunction
    let counters: PipelineCounters
    let logger: Logger
    let metrics: WorkerMetrics?

    /// Creates the service; `now` gives the time the retention periods count back from.
    public init(store: any RollupStore, options: Options, clock: C, now: @escaping NowFunction,
                counters: PipelineCounters, logger: Logger, metrics: WorkerMetrics? = nil) {
        self.metrics = metrics
        self.store = store
        self.options = options
        self.clock = clock
        self.now = now
        self.counters = counters
        self.logger = logger
    }

    /// Runs at once and then every `interval` until graceful shutdown; failures are logged and counted.
    public func run() async throws {
        await runPeriodically(every: options.interval, clock: clock, logger: logger, name: "retention", counters: counters,
                              metrics: metrics) {
            try await runOnce()
        }
    }

    /// Expires every tier once, batch by batch, until clean or cancelled; returns the rows
    /// deleted per tier.
    @discardableResult
    public func runOnce() async throws -> [RetentionTier: Int] {
        let current = now()
        let periods: [(RetentionTier, Int64)] = [(.raw, options.rawSeconds), (.hourly, options.hourlySeconds), (.daily, options.dailySeconds)]
        var deleted: [RetentionTier: Int] = [:]
        for (tier, seconds) in periods {
            let cutoff = current.adding(seconds: -seconds)
            var total = 0
            while !Task.isCancelled {
                let batch = try await store.expire(tier, before: cutoff, limit: options.batchSize)
                total += batch
                if batch < options.batchSize { break }
            }
            deleted[tier] = total
        }
        counters.update {
            $0.retentionRuns += 1
            $0.rawDeleted += deleted[.raw, default: 0]
            $0.hourlyDeleted += deleted[.hourly, default: 0]
            $0.dailyDeleted += deleted[.daily, default: 0]
        }
        if deleted.values.contains(where: { $0 > 0 }) {
            logger.info("retention expired data", metadata: [
                "raw": "\(deleted[.raw, default: 0])", "hourly": "\(deleted[.hourly, default: 0])",
                "daily": "\(deleted[.daily, default: 0])",
            ])
        }
        return deleted
    }
}
