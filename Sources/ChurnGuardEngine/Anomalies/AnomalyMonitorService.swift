public import Logging
public import ServiceLifecycle

/// Runs an ``AnomalyMonitor`` now and then every interval until graceful shutdown (a run in
/// progress stops at its next store call; what it committed stays, the rest is redone). On
/// stop it gives back its series leases.
public struct AnomalyMonitorService: Service {
    let monitor: AnomalyMonitor
    let logger: Logger
    let metrics: WorkerMetrics?

    /// Creates the service.
    public init(monitor: AnomalyMonitor, logger: Logger, metrics: WorkerMetrics? = nil) {
        self.monitor = monitor
        self.logger = logger
        self.metrics = metrics
    }

    public func run() async throws {
        let monitor = self.monitor
        let logger = self.logger
        await runPeriodically(every: monitor.options.interval, clock: ContinuousClock(), logger: logger, name: "anomaly-monitor",
                              metrics: metrics) {
            let report = try await monitor.runOnce()
            if report.points > 0 || report.failures > 0 {
                logger.info("anomaly monitor run", metadata: [
                    "series": "\(report.series)", "points": "\(report.points)", "created": "\(report.created)",
                    "extended": "\(report.extended)", "failures": "\(report.failures)",
                ])
            }
        }
        // Stopped: the other monitors on this database take its series at their next run.
        await monitor.releaseLeases()
    }
}
