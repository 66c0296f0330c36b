public import ChurnGuardEngine
public import ChurnGuardStorage
public import Hummingbird
import Metrics

/// Everything the routes need, handed in by the composition root.
public struct APIDependencies: Sendable {
    /// The stores, by role.
    public var backends: Backends
    /// Commits ingested batches.
    public var pipeline: IngestPipeline
    /// Limits and header names.
    public var options: APIOptions
    /// Per-key request allowances.
    public var rateLimiter: any RateLimiter
    /// Issues and checks access tokens; `nil` turns tokens off.
    public var tokens: AccessTokens?
    /// Where the API's counters go (the process-wide metrics system by default).
    public var metrics: ServiceMetrics
    /// Serves `GET /metrics` on this router when set (nil: metrics off, or served on
    /// `monitoring.metrics_port` instead).
    public var exposition: MetricsExposition?
    /// Counts requests by route template and status (`churnguard_requests_total`); nil: not counted.
    public var httpMetrics: HTTPMetrics?
    /// Logs one line per answered request (level info).
    public var accessLog = true
    /// The live windows, alerts and stream (see ``RealtimeAPI``).
    public var realtime: RealtimeAPI
    /// The authenticator to share with the stream; nil: the router makes its own.
    public var authenticator: Authenticator?
    /// Notification routes, test sends and deliveries; nil: built over `backends` without
    /// default routes.
    public var notifications: NotificationsAPI?
    /// Generation runs and the listing cache of the insight routes; nil: no insight routes.
    public var insights: InsightRunner?
    /// Recommendation runs' rules, settings and listing cache; nil: no recommendation routes.
    public var recommendations: RecommendationRunner?

    /// Creates the dependencies.
    public init(backends: Backends, pipeline: IngestPipeline, options: APIOptions, rateLimiter: (any RateLimiter)? = nil,
                tokens: AccessTokens? = nil, metrics: ServiceMetrics = ServiceMetrics(), realtime: RealtimeAPI) {
        self.backends = backends
        self.pipeline = pipeline
        self.options = options
        self.tokens = tokens
        self.metrics = metrics
        self.realtime = realtime
        self.rateLimiter = rateLimiter ?? GCRARateLimiter(metricsFactory: metrics.factory)
    }
}

/// Builds the router: public probes and the dashboard's static files at the root,
/// authenticated tenant routes under `/api/v1`.
public func makeRouter(_ dependencies: APIDependencies) -> Router<AppRequestContext> {
    let router = Router(context: AppRequestContext.self)
    let options = dependencies.options
    // Outermost first: request id, counting and the access line see the final answer; the
    // headers and CORS wrap every answer, errors included.
    router.add(middleware: ObservabilityMiddleware(metrics: dependencies.httpMetrics, accessLog: dependencies.accessLog))
    router.add(middleware: SecurityHeadersMiddleware(policy: options.http) { request, context in
        ForwardedProto.isHTTPS(request, remote: context.remoteAddress, policy: options.http)
    })
    router.add(middleware: CORSPolicyMiddleware(policy: options.http, apiKeyHeader: options.apiKeyHeader))
    let methodTable = RouteMethodTable()
    router.add(middleware: MethodNotAllowedMiddleware(table: methodTable))
    router.add(middleware: ErrorMiddleware())
    router.add(middleware: TrustedHostMiddleware(policy: options.http))
    router.add(middleware: HTTPSRedirectMiddleware(policy: options.http))
    router.add(middleware: BodyLimitMiddleware(maxBodyBytes: options.maxBodyBytes))
    let backends = dependencies.backends
    HealthRoutes(store: backends.lifecycle, backendName: backends.name).register(on: router)
    dependencies.exposition?.register(on: router)
    DashboardRoutes(assets: .bundled).register(on: router)
    let factory = dependencies.metrics.factory
    let authenticator = dependencies.authenticator ?? Authenticator(
        store: backends.identity, apiKeyHeader: options.apiKeyHeader, tokens: dependencies.tokens,
        cacheTTL: options.keyCacheTTL, cacheCapacity: options.keyCacheCapacity, metricsFactory: factory)
    let tenant = router.group("api/v1")
        .add(middleware: AuthMiddleware(authenticator: authenticator, metricsFactory: factory))
        .add(middleware: RateLimitMiddleware(limiter: dependencies.rateLimiter, limits: options.rateLimits))
        .add(middleware: ScopeMiddleware(metricsFactory: factory))
        .group(context: OrganizationContext.self)
    TokenRoutes(tokens: dependencies.tokens).register(on: tenant)
    ApiKeyRoutes(admin: OrganizationAdmin(store: backends.identity), authenticator: authenticator).register(on: tenant)
    let queryLimiter = QueryLimiter(limit: dependencies.options.maxConcurrentQueriesPerOrganization, metricsFactory: factory)
    MetricRoutes(store: backends.points, pipeline: dependencies.pipeline, options: dependencies.options, queryLimiter: queryLimiter,
                 validationRejects: IngestMetrics.rejected("validation", factory),
                 catalog: MetricCatalogCache(ttl: options.metricCatalogTTL, metricsFactory: factory))
        .register(on: tenant)
    AggregateRoutes(store: backends.rollups, options: dependencies.options, queryLimiter: queryLimiter).register(on: tenant)
    registerRealtimeRoutes(on: tenant, dependencies.realtime, options: dependencies.options)
    AnomalyRoutes(store: backends.anomalies, options: dependencies.options).register(on: tenant)
    AnomalyDetectRoutes(points: backends.points, anomalies: backends.anomalies, options: dependencies.options, queryLimiter: queryLimiter)
        .register(on: tenant)
    NotificationRoutes(api: dependencies.notifications ?? .standalone(backends.notifications, factory: factory), options: options)
        .register(on: tenant)
    if let runner = dependencies.insights {
        InsightRoutes(runner: runner, store: backends.insights, options: dependencies.options).register(on: tenant)
    }
    if let runner = dependencies.recommendations {
        RecommendationRoutes(runner: runner, backends: backends, options: dependencies.options).register(on: tenant)
    }
    // The stream's upgrade router serves GET on its path; any other method there is 405 too.
    methodTable.load(router.routes.map { (method: $0.method.rawValue, path: "\($0.path)") } + [(method: "GET", path: streamPath)])
    return router
}
