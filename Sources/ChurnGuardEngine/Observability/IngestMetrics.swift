public import Metrics

/// The ingest pipeline's series: points accepted and rejected, the queue's depth and the size
/// of each group commit (the insert's duration is timed by ``TimedBackends``).
public struct IngestMetrics: Sendable {
    /// Points committed (`churnguard_ingest_points_accepted_total`).
    let accepted: Counter
    /// Points refused because the queue was full.
    let rejectedOverloaded: Counter
    /// Points refused because the pipeline was stopping.
    let rejectedShuttingDown: Counter
    /// Points whose commit failed in the store.
    let rejectedStore: Counter
    /// Points waiting for a commit (`churnguard_ingest_queue_depth_points`).
    let queueDepth: Gauge
    /// Points per group commit (`churnguard_ingest_group_commit_points`, a histogram).
    let groupSize: Recorder
    /// Batches per group commit (`churnguard_ingest_group_commit_batches`, a histogram).
    let groupBatches: Recorder

    /// The series, made by `metrics`' factory.
    public init(_ metrics: ServiceMetrics = ServiceMetrics()) {
        let factory = metrics.factory
        accepted = Counter(label: MetricNames.ingestAccepted, factory: factory)
        rejectedOverloaded = Self.rejected("overloaded", factory)
        rejectedShuttingDown = Self.rejected("shutting_down", factory)
        rejectedStore = Self.rejected("store_error", factory)
        queueDepth = Gauge(label: MetricNames.ingestQueueDepth, factory: factory)
        groupSize = Recorder(label: MetricNames.groupCommitPoints, aggregate: true, factory: factory)
        groupBatches = Recorder(label: MetricNames.groupCommitBatches, aggregate: true, factory: factory)
        queueDepth.record(0)
    }

    /// The counter of points refused for `reason` (the API counts validation refusals with
    /// the same series and reason `validation`).
    public static func rejected(_ reason: String, _ factory: any MetricsFactory) -> Counter {
        Counter(label: MetricNames.ingestRejected, dimensions: [("reason", reason)], factory: factory)
    }
}
