public import ChurnGuardEngine
public import ChurnGuardStorage
public import Logging

extension BackgroundServices {
    /// The start-up catch-up of `serve --demo` and `demo` after seeding: folds every seeded
    /// point into the rollups first (the segment- and organization-level series are read from
    /// the hourly dimension rollups; without them the group pass finds nothing until the next
    /// settled hour), then runs the anomaly monitor once over the history, so the planted
    /// incidents are stored anomalies, at the segment level where they are segment-wide, when
    /// the API answers. The catch-up monitor gives its leases back at the end: the worker's own
    /// monitor (another lease owner) takes every series at its first run.
    /// - Returns: the monitor's report, or nil when `anomaly_detection.enabled` is false.
    public static func catchUpAnomalies(configuration: AppConfiguration, backends: Backends,
                                        logger: Logger) async throws -> AnomalyMonitor.Report? {
        guard let monitor = anomalyMonitor(configuration: configuration, backends: backends, logger: logger) else { return nil }
        let aggregation = AggregationService(
            store: backends.rollups,
            options: .init(batchSize: configuration.aggregationBatchSize, maxWorkers: configuration.aggregationMaxWorkers,
                           dimensions: configuration.rollupDimensions),
            clock: ContinuousClock(), counters: PipelineCounters(), logger: logger)
        try await aggregation.runOnce()
        do {
            let report = try await monitor.runOnce()
            await monitor.releaseLeases()
            return report
        } catch {
            await monitor.releaseLeases()
            throw error
        }
    }
}
