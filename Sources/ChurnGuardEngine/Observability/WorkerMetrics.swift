import Metrics
import Synchronization

/// The background services' series: runs and failures by service, rollup lag and the
/// points waiting to be rolled up.
public struct WorkerMetrics: Sendable {
    private let factory: any MetricsFactory
    /// Tracks when the rollups last caught up, for the lag gauge.
    let rollupLag: RollupLag
    /// Points past the rollup watermark, sampled by the maintenance service.
    let pending: Gauge

    /// The series, made by `metrics`' factory; the lag is refreshed before every exposition.
    public init(_ metrics: ServiceMetrics = ServiceMetrics()) {
        factory = metrics.factory
        let lag = RollupLag(gauge: Gauge(label: MetricNames.rollupLag, factory: factory))
        rollupLag = lag
        pending = Gauge(label: MetricNames.rollupPending, factory: factory)
        metrics.onRefresh { lag.refresh() }
        for service in ["aggregation", "retention", "storage-preparation", "maintenance", "idempotency-expiry"] {
            _ = runs(service)
            _ = failures(service)
        }
    }

    /// Completed runs of `service`.
    func runs(_ service: String) -> Counter {
        Counter(label: MetricNames.workerRuns, dimensions: [("service", service)], factory: factory)
    }

    /// Failed runs of `service`.
    func failures(_ service: String) -> Counter {
        Counter(label: MetricNames.workerFailures, dimensions: [("service", service)], factory: factory)
    }
}

/// Rollup lag: the time since the start of the last aggregation run that caught up with
/// every stored point (each point committed before that start is in the rollups). It grows
/// while runs fail or fall behind, and is zero until the first run has caught up only in
/// the sense that nothing is known yet (the gauge stays at 0 until then).
final class RollupLag: Sendable {
    private let gauge: Gauge
    private let caughtUpAt = Mutex<ContinuousClock.Instant?>(nil)

    init(gauge: Gauge) {
        self.gauge = gauge
        gauge.record(0)
    }

    /// Records that a run started at `start` folded everything pending.
    func caughtUp(at start: ContinuousClock.Instant) {
        caughtUpAt.withLock { current in
            if current.map({ $0 < start }) ?? true { current = start }
        }
        refresh()
    }

    /// Sets the gauge to the time since the last catch-up.
    func refresh() {
        guard let start = caughtUpAt.withLock({ $0 }) else { return }
        let lag = ContinuousClock.now - start
        gauge.record(Double(lag.components.seconds) + Double(lag.components.attoseconds) / 1e18)
    }
}
