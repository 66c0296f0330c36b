public import ChurnGuardStorage
public import Logging
public import ServiceLifecycle
import ChurnGuardCore
public import ChurnGuardEngine
import Foundation
public import Metrics

/// Builds the worker's services (aggregation, retention, storage preparation, maintenance,
/// notification delivery)
/// from configuration, for `churnguard worker` and for `serve`, which runs them in-process
/// unless told not to (`--no-worker`).
public enum BackgroundServices {
    /// Pacing that configuration does not cover.
    public struct Timing: Sendable {
        /// Time between retention runs.
        public var retentionInterval: Duration = .seconds(300)
        /// Time between maintenance log lines (the deployment guide's five minutes).
        public var maintenanceInterval: Duration = .seconds(300)
        /// Time between storage preparations (partitions created ahead).
        public var preparationInterval: Duration = .seconds(3600)

        /// The defaults.
        public init() {}
    }

    /// The services, sharing one set of counters; the caller runs them in a `ServiceGroup`.
    /// With `metrics`, their runs, failures, rollup lag and database calls are counted there.
    /// With `anomaly_detection.enabled`, the anomaly monitor is among them; it publishes new
    /// anomalies on `bus` (the API's, when `serve` runs the worker in-process, so the stream
    /// sends them live).
    public static func make(configuration: AppConfiguration, backends: Backends, logger: Logger,
                            timing: Timing = Timing(), metrics: ServiceMetrics? = nil, bus: (any EventBus)? = nil) -> [any Service] {
        let timed = metrics.map { TimedBackends.wrap(backends, metrics: $0) } ?? backends
        let workerMetrics = metrics.map { WorkerMetrics($0) }
        let factory = metrics?.factory ?? MetricsSystem.factory
        let counters = PipelineCounters()
        let clock = ContinuousClock()
        let aggregation = AggregationService(
            store: timed.rollups,
            options: .init(interval: .seconds(configuration.aggregationIntervalSeconds),
                           batchSize: configuration.aggregationBatchSize, maxWorkers: configuration.aggregationMaxWorkers,
                           dimensions: configuration.rollupDimensions),
            clock: clock, counters: counters, logger: logger, metrics: workerMetrics, metricsFactory: factory)
        let retention = RetentionService(
            store: timed.rollups,
            options: .init(rawSeconds: Int64(configuration.retentionRawSeconds),
                           hourlySeconds: Int64(configuration.retentionHourlySeconds),
                           dailySeconds: Int64(configuration.retentionDailySeconds),
                           batchSize: configuration.aggregationBatchSize, interval: timing.retentionInterval),
            clock: clock, now: { Timestamp(Date()) }, counters: counters, logger: logger, metrics: workerMetrics)
        let maintenance = MaintenanceService(store: timed.rollups, interval: timing.maintenanceInterval, clock: clock,
                                             counters: counters, logger: logger, metrics: workerMetrics)
        let preparation = StoragePreparationService(store: timed.lifecycle, interval: timing.preparationInterval, clock: clock,
                                                    counters: counters, logger: logger, metrics: workerMetrics)
        let idempotency = IdempotencyExpiryService(
            store: timed.points, ttlSeconds: Int64(configuration.idempotencyKeyTTLSeconds), interval: timing.retentionInterval,
            clock: clock, now: { Timestamp(Date()) }, logger: logger, metrics: workerMetrics)
        let notifications = NotificationComposition.deliveryService(configuration, store: timed.notifications, logger: logger,
                                                                    metricsFactory: factory)
        var services: [any Service] = [aggregation, retention, preparation, maintenance, idempotency, notifications]
        if let monitor = anomalyMonitor(configuration: configuration, backends: timed, logger: logger, factory: factory, bus: bus) {
            services.append(AnomalyMonitorService(monitor: monitor, logger: logger, metrics: workerMetrics))
        }
        return services
    }

    /// The anomaly monitor of `configuration`, or nil when `anomaly_detection.enabled` is false.
    public static func anomalyMonitor(configuration: AppConfiguration, backends: Backends, logger: Logger,
                                      factory: any MetricsFactory = MetricsSystem.factory, bus: (any EventBus)? = nil) -> AnomalyMonitor? {
        guard configuration.anomalyMonitorEnabled else { return nil }
        return AnomalyMonitor(identity: backends.identity, points: backends.points, anomalies: backends.anomalies,
                              rollups: backends.rollups, leases: backends.anomalyLeases, bus: bus,
                              options: configuration.anomalyMonitorOptions, now: { Timestamp(Date()) }, logger: logger,
                              metricsFactory: factory)
    }

    /// The periodic insight generation of `churnguard worker` (`serve` builds its own beside
    /// the API, sharing the API's runner). New insights are counted, logged and published on
    /// `bus` (for the notification relay); with no API in this process there is no stream.
    /// - Throws: ``InsightTemplateError`` for a broken narrative template.
    public static func insightService(configuration: AppConfiguration, backends: Backends, logger: Logger,
                                      metrics: ServiceMetrics?, bus: (any EventBus)? = nil) throws -> any Service {
        let timed = metrics.map { TimedBackends.wrap(backends, metrics: $0) } ?? backends
        let narrator = try InsightAssembly.narrator(configuration, logger: logger)
        let runner = InsightAssembly.runner(configuration, backends: timed, narrator: narrator, publish: { insights in
            logger.info("new insights", metadata: ["count": "\(insights.count)"])
            bus?.publish(.insightsGenerated(insights))
        }, factory: metrics?.factory ?? MetricsSystem.factory, logger: logger)
        return InsightService(runner: runner, organizations: timed.identity, interval: InsightAssembly.interval,
                              now: { Timestamp(Date()) }, logger: logger, metrics: metrics.map { WorkerMetrics($0) })
    }

    /// The worker's relay from its bus to the notification outbox (`serve` runs one over the
    /// API's outbox instead); with `monitoring.alert_on_errors` the process's logged errors go
    /// to the same outbox (``OperatorAlerts``).
    static func notificationRelay(_ configuration: AppConfiguration, backends: Backends, bus: any EventBus, logger: Logger,
                                  metrics: ServiceMetrics?) -> any Service {
        let timed = metrics.map { TimedBackends.wrap(backends, metrics: $0) } ?? backends
        let routing = NotificationComposition.routing(configuration, store: timed.notifications)
        let outbox = NotificationOutbox(store: timed.notifications, routing: routing, logger: logger,
                                        metricsFactory: metrics?.factory ?? MetricsSystem.factory)
        NotificationComposition.alertOperatorOnErrors(configuration, outbox: outbox)
        return NotificationRelay(bus: bus, outbox: outbox)
    }

    /// The recommendation engine of `churnguard worker`: after each insight run published on
    /// `bus` and periodically. New recommendations are counted, logged and published on `bus`
    /// (for the notification relay).
    /// - Throws: ``RecommendationRulesError`` for an invalid rules file.
    public static func recommendationService(configuration: AppConfiguration, backends: Backends, logger: Logger,
                                             metrics: ServiceMetrics?, bus: (any EventBus)?) throws -> any Service {
        let timed = metrics.map { TimedBackends.wrap(backends, metrics: $0) } ?? backends
        let factory = metrics?.factory ?? MetricsSystem.factory
        let book = try RecommendationAssembly.ruleBook(configuration, logger: logger)
        let runner = RecommendationAssembly.runner(configuration, book: book, backends: timed, publish: { recommendations in
            logger.info("new recommendations", metadata: ["count": "\(recommendations.count)"])
            bus?.publish(.recommendationsCreated(recommendations))
        }, factory: factory, logger: logger)
        return RecommendationService(runner: runner, organizations: timed.identity, bus: bus, interval: RecommendationAssembly.interval,
                                     now: { Timestamp(Date()) }, logger: logger, metrics: metrics.map { WorkerMetrics($0) },
                                     metricsFactory: factory)
    }

    /// Runs the services until SIGTERM or SIGINT, then stops them gracefully: a rollup
    /// transaction in progress is rolled back or committed whole, never half.
    /// With `monitoring.metrics_port` set, it also serves `/metrics` there.
    public static func runWorker(_ runtime: Runtime) async throws {
        let configuration = runtime.configuration
        let metrics = ApplicationBuilder.processMetrics(configuration)
        // The worker's own bus carries its anomalies and insights to the notification relay.
        let bus = ApplicationBuilder.eventBus(metrics: metrics)
        var services = make(configuration: configuration, backends: runtime.backends, logger: runtime.logger,
                            metrics: metrics?.service, bus: bus)
        if configuration.insightsEnabled {
            services.append(try insightService(configuration: configuration, backends: runtime.backends, logger: runtime.logger,
                                               metrics: metrics?.service, bus: bus))
        }
        // Insight runs tell the recommendation engine which organizations have news.
        if configuration.recommendationsEnabled {
            services.append(try recommendationService(configuration: configuration, backends: runtime.backends, logger: runtime.logger,
                                                      metrics: metrics?.service, bus: bus))
        }
        services.append(notificationRelay(configuration, backends: runtime.backends, bus: bus, logger: runtime.logger,
                                          metrics: metrics?.service))
        if let metrics, configuration.metricsPort != 0 {
            services.append(MetricsServer.make(metrics, host: configuration.host, port: configuration.metricsPort, logger: runtime.logger))
        }
        let group = ServiceGroup(configuration: .init(
            services: services, gracefulShutdownSignals: [.sigterm, .sigint], logger: runtime.logger))
        runtime.logger.info("worker started", metadata: [
            "interval_seconds": "\(runtime.configuration.aggregationIntervalSeconds)",
            "batch_size": "\(runtime.configuration.aggregationBatchSize)",
        ])
        try await group.run()
        runtime.logger.info("worker stopped")
    }

    /// Rolls up everything pending once (`worker --once`): the points folded and the seconds it took.
    public static func rollUpOnce(_ runtime: Runtime) async throws -> (points: Int, seconds: Double) {
        let configuration = runtime.configuration
        let service = AggregationService(
            store: runtime.backends.rollups,
            options: .init(batchSize: configuration.aggregationBatchSize, maxWorkers: configuration.aggregationMaxWorkers,
                           dimensions: configuration.rollupDimensions),
            clock: ContinuousClock(), counters: PipelineCounters(), logger: runtime.logger)
        let start = ContinuousClock.now
        let points = try await service.runOnce()
        let elapsed = ContinuousClock.now - start
        return (points, Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18)
    }
}
