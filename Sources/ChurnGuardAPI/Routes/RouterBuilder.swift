public import ChurnGuardEngine
public import ChurnGuardStorage
public import Hummingbird

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
    /// The live windows, alerts and stream (see ``RealtimeAPI``).
    public var realtime: RealtimeAPI

    /// Creates the dependencies.
    public init(backends: Backends, pipeline: IngestPipeline, options: APIOptions, rateLimiter: any RateLimiter = GCRARateLimiter(),
                realtime: RealtimeAPI) {
        self.backends = backends
        self.pipeline = pipeline
        self.options = options
        self.rateLimiter = rateLimiter
        self.realtime = realtime
    }
}

/// Builds the router: public probes at the root, authenticated tenant routes under `/api/v1`.
public func makeRouter(_ dependencies: APIDependencies) -> Router<AppRequestContext> {
    let router = Router(context: AppRequestContext.self)
    router.add(middleware: ErrorMiddleware())
    router.add(middleware: BodyLimitMiddleware(maxBodyBytes: dependencies.options.maxBodyBytes))
    let backends = dependencies.backends
    HealthRoutes(store: backends.lifecycle, backendName: backends.name).register(on: router)
    let authenticator = Authenticator(
        store: backends.identity, apiKeyHeader: dependencies.options.apiKeyHeader,
        cacheTTL: dependencies.options.keyCacheTTL, cacheCapacity: dependencies.options.keyCacheCapacity)
    let tenant = router.group("api/v1")
        .add(middleware: AuthMiddleware(authenticator: authenticator))
        .add(middleware: RateLimitMiddleware(limiter: dependencies.rateLimiter, limits: dependencies.options.rateLimits))
        .group(context: OrganizationContext.self)
    let queryLimiter = QueryLimiter(limit: dependencies.options.maxConcurrentQueriesPerOrganization)
    MetricRoutes(store: backends.points, pipeline: dependencies.pipeline, options: dependencies.options, queryLimiter: queryLimiter)
        .register(on: tenant)
    AggregateRoutes(store: backends.rollups, options: dependencies.options, queryLimiter: queryLimiter).register(on: tenant)
    registerRealtimeRoutes(on: tenant, dependencies.realtime, options: dependencies.options)
    return router
}
