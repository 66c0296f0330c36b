public import ChurnGuardEngine
public import ChurnGuardStorage
public import Hummingbird

/// Everything the routes need, handed in by the composition root.
public struct APIDependencies: Sendable {
    /// The backend.
    public var store: any AnalyticsStore
    /// Commits ingested batches.
    public var pipeline: IngestPipeline
    /// Limits and header names.
    public var options: APIOptions
    /// Backend name shown by `/health`.
    public var backendName: String

    /// Creates the dependencies.
    public init(store: any AnalyticsStore, pipeline: IngestPipeline, options: APIOptions, backendName: String) {
        self.store = store
        self.pipeline = pipeline
        self.options = options
        self.backendName = backendName
    }
}

/// Builds the router: public probes at the root, authenticated tenant routes under `/api/v1`.
public func makeRouter(_ dependencies: APIDependencies) -> Router<AppRequestContext> {
    let router = Router(context: AppRequestContext.self)
    router.add(middleware: ErrorMiddleware())
    HealthRoutes(store: dependencies.store, backendName: dependencies.backendName).register(on: router)
    let tenant = router.group("api/v1")
        .add(middleware: ApiKeyAuthMiddleware(store: dependencies.store, headerName: dependencies.options.apiKeyHeader))
        .group(context: OrganizationContext.self)
    let queryLimiter = QueryLimiter(limit: dependencies.options.maxConcurrentQueriesPerOrganization)
    MetricRoutes(store: dependencies.store, pipeline: dependencies.pipeline, options: dependencies.options, queryLimiter: queryLimiter)
        .register(on: tenant)
    AggregateRoutes(store: dependencies.store, options: dependencies.options, queryLimiter: queryLimiter).register(on: tenant)
    return router
}
