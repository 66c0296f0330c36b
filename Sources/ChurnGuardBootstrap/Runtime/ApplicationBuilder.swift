import Foundation
import HTTPTypes
public import ChurnGuardAPI
public import ChurnGuardEngine
public import ChurnGuardStorage
public import Hummingbird
public import Logging
public import ServiceLifecycle
import ChurnGuardCore
import Metrics
import Foundation

/// Assembles the HTTP application and its services from configuration and the backends.
///
/// `churnguard serve` and the HTTP tests both go through here, so tests exercise the same
/// wiring users run.
public enum ApplicationBuilder {
    /// The application plus the pipeline and event bus it owns (exposed for later features,
    /// statistics and tests).
    public struct Built: Sendable {
        /// The Hummingbird application, with the ingest pipeline among its services.
        public let application: Application<RouterResponder<AppRequestContext>>
        /// The group-commit pipeline.
        public let pipeline: IngestPipeline
        /// The bus on which the pipeline publishes every committed group; subscribe here.
        public let bus: any EventBus
        /// Every route as `METHOD /template` (for the tenant-isolation suite, which must
        /// cover each one).
        public let routes: [String]
        /// The registry `/metrics` renders; nil when `monitoring.metrics_enabled` is false.
        public let metrics: PrometheusMetrics?
        /// The live windows (fed from the bus by a service of the application).
        public let realtime: RealtimeEngine
        /// The threshold-alert evaluator.
        public let alerts: AlertEvaluator
        /// The live stream's connections.
        public let hub: StreamHub
        /// Where alert transitions (and test sends) are queued for notification.
        public let outbox: NotificationOutbox
        /// Insight generation runs (the API's and, with the schedule, the periodic ones).
        public let insights: InsightRunner
        /// Recommendation runs (the demo seeding's and, with the schedule, the service's).
        public let recommendations: RecommendationRunner

        /// The application as a service whose graceful shutdown first closes every stream
        /// connection with 1001 "going away".
        public var service: any Service { StreamingApplication(application: application, hub: hub) }

        /// Runs ``service`` until SIGTERM or SIGINT.
        public func runService() async throws {
            let group = ServiceGroup(configuration: .init(
                services: [service], gracefulShutdownSignals: [.sigterm, .sigint], logger: application.logger))
            try await group.run()
        }
    }

    /// Builds the application; the caller runs it (which runs its services too). Without
    /// `pipelineOptions` the pipeline uses the defaults and the configured group-commit
    /// policy; without `eventBus`, an ``InProcessEventBus``. Without `metrics` (and with
    /// `monitoring.metrics_enabled`) it counts into the process-wide registry, bootstrapping
    /// swift-metrics with it on first use; tests hand in ``PrometheusMetrics/isolated()``.
    /// With `insightSchedule` (`serve` running the worker in-process) and `insights.enabled`,
    /// insights are also generated periodically.
    /// - Throws: ``InsightTemplateError`` for a broken narrative template, naming file and line.
    public static func build(
        configuration: AppConfiguration, backends: Backends, logger: Logger,
        pipelineOptions: IngestPipeline.Options? = nil,
        eventBus: (any EventBus)? = nil,
        backgroundServices: [any Service] = [],
        metrics: PrometheusMetrics? = nil,
        insightSchedule: Bool = false
    ) async throws -> Built {
        let prometheus = configuration.metricsEnabled ? (metrics ?? .processWide()) : nil
        let serviceMetrics = prometheus?.service ?? .disabled()
        let timed = prometheus == nil ? backends : TimedBackends.wrap(backends, metrics: serviceMetrics)
        let bus = eventBus ?? InProcessEventBus(metricsFactory: serviceMetrics.factory)
        var defaultOptions = IngestPipeline.Options()
        defaultOptions.groupCommit = configuration.groupCommit
        let pipeline = IngestPipeline(store: timed.points, options: pipelineOptions ?? defaultOptions, bus: bus, logger: logger,
                                      metrics: IngestMetrics(serviceMetrics))
        var options = APIOptions()
        if let header = HTTPField.Name(configuration.apiKeyHeader) { options.apiKeyHeader = header }
        options.maxBodyBytes = configuration.maxBodyBytes
        options.validation = configuration.validation
        options.maxConcurrentQueriesPerOrganization = configuration.maxConcurrentQueriesPerOrganization
        options.keyCacheTTL = .seconds(configuration.keyCacheTTLSeconds)
        options.rateLimits = configuration.rateLimits.mapValues { RateLimit(count: $0.count, windowSeconds: $0.windowSeconds) }
        options.keyCacheCapacity = configuration.keyCacheSize
        options.http = httpPolicy(configuration)
        options.anomalyDetection = configuration.anomalyMonitorOptions
        options.rollupDimensions = configuration.rollupDimensions
        options.metricCatalogTTL = .milliseconds(Int64(configuration.metricListCacheSeconds * 1000))
        let tokens = try await accessTokens(configuration, logger: logger)
        let engine = RealtimeEngine(options: configuration.realtimeOptions)
        let hub = StreamHub(outboxCapacity: configuration.streamSendQueue)
        let routing = NotificationComposition.routing(configuration, store: timed.notifications)
        let outbox = NotificationOutbox(store: timed.notifications, routing: routing, logger: logger,
                                        metricsFactory: serviceMetrics.factory)
        let evaluator = AlertEvaluator(store: timed.alerts, defaults: configuration.alertThresholds,
                                       publish: { hub.publish($0) }, stored: NotificationComposition.alertSink(outbox), logger: logger)
        let pushed = StatisticsPushLog()
        let narrator = try InsightAssembly.narrator(configuration, logger: logger)
        let insightRunner = InsightAssembly.runner(configuration, backends: timed, narrator: narrator, publish: { insights in
            bus.publish(.insightsGenerated(insights))
            for insight in insights { hub.publish(insight) }
        }, factory: serviceMetrics.factory, logger: logger)
        let rules = try RecommendationAssembly.ruleBook(configuration, logger: logger)
        let recommendationRunner = RecommendationAssembly.runner(configuration, book: rules, backends: timed, publish: { recommendations in
            logger.info("new recommendations", metadata: ["count": "\(recommendations.count)"])
            bus.publish(.recommendationsCreated(recommendations))
        }, factory: serviceMetrics.factory, logger: logger)
        // Off, nothing subscribes to the bus: ingest runs exactly as without the engine.
        let realtimeService = !configuration.realtimeEnabled ? nil : RealtimeService(
            engine: engine, bus: bus,
            onCommit: [{ hub.publish($0) }, { await evaluator.evaluate($0) }],
            onTick: [{ _ in await evaluator.tick() }, { _ in hub.publishStatistics(from: engine, pushed: pushed) },
                     { _ in await outbox.retryWaiting() }],
            logger: logger)
        // One authenticator for the API and the stream: a key revoked through the API is
        // forgotten by both at once.
        let authenticator = Authenticator(
            store: timed.identity, apiKeyHeader: options.apiKeyHeader, tokens: tokens,
            cacheTTL: options.keyCacheTTL, cacheCapacity: options.keyCacheCapacity, metricsFactory: serviceMetrics.factory)
        var dependencies = APIDependencies(backends: timed, pipeline: pipeline, options: options, tokens: tokens, metrics: serviceMetrics,
                                           realtime: RealtimeAPI(engine: engine, evaluator: evaluator, alerts: timed.alerts))
        dependencies.authenticator = authenticator
        dependencies.notifications = NotificationsAPI(store: timed.notifications, routing: routing, outbox: outbox)
        dependencies.insights = insightRunner
        dependencies.recommendations = recommendationRunner
        if let prometheus {
            dependencies.httpMetrics = HTTPMetrics(factory: serviceMetrics.factory)
            if configuration.metricsPort == 0 { dependencies.exposition = prometheus.exposition }
        }
        let router = makeRouter(dependencies)
        let routes = router.routes.map { "\($0.method.rawValue) \($0.path)" }
        var streamOptions = StreamOptions()
        streamOptions.validation = configuration.validation
        let streamRouter = makeStreamRouter(hub: hub, authenticator: authenticator, options: streamOptions)
        let connections = Meter(label: MetricNames.activeConnections, factory: serviceMetrics.factory)
        var application = Application(
            router: router,
            server: StreamServer.builder(configuration, streamRouter: streamRouter, stream: streamOptions, logger: logger,
                                        connections: connections),
            configuration: .init(address: .hostname(configuration.host, port: configuration.port), serverName: "churnguard"),
            logger: logger)
        application.addServices(pipeline)
        if let realtimeService { application.addServices(realtimeService) }
        application.addServices(AnomalyStreamRelay(bus: bus, hub: hub), NotificationRelay(bus: bus, outbox: outbox))
        if let prometheus, configuration.metricsPort != 0 {
            application.addServices(MetricsServer.make(prometheus, host: configuration.host, port: configuration.metricsPort, logger: logger))
        }
        // Windows are rebuilt and open alerts loaded before the listener opens: no commit can
        // then be both read back here and delivered by the bus, none acknowledged before a
        // restart is lost, and an alert open before it is continued, not duplicated.
        let enabled = configuration.realtimeEnabled
        application.beforeServerStarts {
            if enabled { await rebuildWindows(engine, backends: timed, logger: logger) }
            await startAlerts(evaluator, engine: engine, logger: logger)
        }
        // The worker's services, when `serve` runs them in-process (see BackgroundServices).
        application.addServices(backgroundServices)
        if insightSchedule, configuration.insightsEnabled {
            application.addServices(InsightService(runner: insightRunner, organizations: timed.identity, interval: InsightAssembly.interval,
                                                   now: { Timestamp(Date()) }, logger: logger, metrics: WorkerMetrics(serviceMetrics)))
        }
        if insightSchedule, configuration.recommendationsEnabled {
            application.addServices(RecommendationService(
                runner: recommendationRunner, organizations: timed.identity, bus: bus, interval: RecommendationAssembly.interval,
                now: { Timestamp(Date()) }, logger: logger, metrics: WorkerMetrics(serviceMetrics), metricsFactory: serviceMetrics.factory))
        }
        return Built(application: application, pipeline: pipeline, bus: bus, routes: routes, metrics: prometheus,
                     realtime: engine, alerts: evaluator, hub: hub, outbox: outbox, insights: insightRunner,
                     recommendations: recommendationRunner)
    }

    /// The in-process event bus, counting into `metrics` (or nowhere): `serve` makes one for
    /// the API and its in-process worker together.
    public static func eventBus(metrics: PrometheusMetrics?) -> any EventBus {
        InProcessEventBus(metricsFactory: (metrics?.service ?? .disabled()).factory)
    }

    /// The metrics a process counts into according to `configuration`: the process-wide
    /// registry, or nil when `monitoring.metrics_enabled` is false.
    public static func processMetrics(_ configuration: AppConfiguration) -> PrometheusMetrics? {
        configuration.metricsEnabled ? .processWide() : nil
    }

    static func httpPolicy(_ configuration: AppConfiguration) -> HTTPPolicy {
        var policy = HTTPPolicy()
        policy.corsOrigins = configuration.corsOrigins
        policy.trustedHosts = configuration.trustedHosts
        policy.httpsRedirect = configuration.httpsRedirect
        policy.trustedProxies = configuration.trustedProxies
        policy.hstsMaxAgeSeconds = configuration.hstsMaxAgeSeconds
        return policy
    }

    /// The token issuer. Without `security.jwt_secret_key` a random secret is made for this
    /// process, so tokens work on a single embedded server out of the box; they end with the
    /// process and are not accepted by other replicas, which the warning says.
    static func accessTokens(_ configuration: AppConfiguration, logger: Logger) async throws -> AccessTokens {
        let secret: String
        if let configured = configuration.jwtSecretKey {
            secret = configured
        } else {
            var generator = SystemRandomNumberGenerator()
            secret = (0..<32).map { _ in String(format: "%02x", UInt8.random(in: 0...255, using: &generator)) }.joined()
            logger.warning("security.jwt_secret_key (JWT_SECRET_KEY) is not set: access tokens are signed with a random per-process secret, so they end at restart and other replicas refuse them")
        }
        var settings = AccessTokens.Settings(secret: secret, previousSecret: configuration.jwtPreviousSecretKey)
        settings.lifetime = .seconds(configuration.accessTokenLifetimeSeconds)
        settings.issuer = configuration.jwtIssuer
        settings.audience = configuration.jwtAudience
        return try await AccessTokens(settings: settings)
    }

    /// Rebuilds the live windows of every organization from the store, logging what it read;
    /// a store that cannot list organizations leaves the windows empty (logged), it does not
    /// stop the server.
    static func rebuildWindows(_ engine: RealtimeEngine, backends: Backends, logger: Logger) async {
        let started = ContinuousClock.now
        do {
            let organizations = try await backends.identity.allOrganizations().map(\.id)
            let report = await engine.rebuild(from: backends.points, organizations: organizations,
                                              now: Timestamp(Date()).microseconds, logger: logger)
            logger.info("real-time windows rebuilt", metadata: [
                "organizations": "\(report.organizations)", "metrics": "\(report.metrics)", "points": "\(report.points)",
                "live_series": "\(engine.liveSeries)", "truncated_metrics": "\(report.truncatedMetrics)",
                "failed_organizations": "\(report.failedOrganizations)", "duration": "\(ContinuousClock.now - started)",
            ])
        } catch {
            logger.warning("real-time windows not rebuilt: organizations could not be listed", metadata: ["error": "\(error)"])
        }
    }

    /// Loads rules and open alerts, then evaluates every live series' newest value, so alerts
    /// on data stored while the server was down (or by a bulk load) fire at start-up.
    static func startAlerts(_ evaluator: AlertEvaluator, engine: RealtimeEngine, logger: Logger) async {
        do {
            try await evaluator.start()
        } catch {
            logger.warning("alert rules and open alerts not loaded; defaults only until restart", metadata: ["error": "\(error)"])
        }
        for series in engine.newestValues() {
            await evaluator.evaluate(organization: series.organization, metricName: series.key.metricName, tags: series.key.tags,
                                     value: series.value)
        }
        let open = await evaluator.openCount
        logger.info("alert evaluator started", metadata: ["open_alerts": "\(open)"])
    }
}

/// The application with the stream's graceful shutdown: on SIGTERM every stream connection
/// is closed with 1001 "going away" before the server drains its HTTP connections.
struct StreamingApplication: Service {
    let application: Application<RouterResponder<AppRequestContext>>
    let hub: StreamHub

    func run() async throws {
        try await withGracefulShutdownHandler {
            try await application.run()
        } onGracefulShutdown: {
            hub.close()
        }
    }
}
