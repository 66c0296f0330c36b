public import HTTPTypes
public import ChurnGuardCore
public import ChurnGuardEngine
import Foundation
import Hummingbird

/// Settings of the HTTP API, taken from configuration by the bootstrap.
public struct APIOptions: Sendable {
    /// Header carrying the API key (`API_KEY_HEADER`, default `X-API-Key`).
    public var apiKeyHeader: HTTPField.Name = HTTPField.Name("X-API-Key")!
    /// Largest accepted request body in bytes; larger ones get 413.
    public var maxBodyBytes = 16 * 1024 * 1024
    /// Per-point and per-batch limits.
    public var validation = ValidationLimits()
    /// Default and largest page size of point listings.
    public var defaultPageSize = 1000
    /// Largest page size a client may ask for.
    public var maxPageSize = 10_000
    /// Most reads (point pages, aggregates) one organization runs at once; more get 429
    /// (`api.max_concurrent_queries_per_org`).
    public var maxConcurrentQueriesPerOrganization = 4

    /// Requests per window for each tier (`api.rate_limits`); a tier without an entry is not limited.
    public var rateLimits: [Tier: RateLimit] = [
        .default: RateLimit(count: 1000, windowSeconds: 3600), .premium: RateLimit(count: 10_000, windowSeconds: 3600),
        .enterprise: RateLimit(count: 100_000, windowSeconds: 3600),
    ]
    /// How long a verified API key is trusted without a database read (`security.key_cache_ttl_seconds`);
    /// zero asks the store on every request.
    public var keyCacheTTL: Duration = .zero
    /// Most verified keys remembered (`security.key_cache_size`).
    public var keyCacheCapacity = 10_000
    /// How long an organization's metric list is served from memory (`api.metric_list_cache_seconds`);
    /// zero reads the store every time. Ingest through this replica refreshes it at once.
    public var metricCatalogTTL: Duration = .zero
    /// CORS, trusted hosts, HTTPS redirect and security headers.
    public var http = HTTPPolicy()
    /// The current time, for the accepted time range of points (a fixed clock in tests).
    public var now: @Sendable () -> Timestamp = { Timestamp(Date()) }

    /// The anomaly monitor's settings: the current setting of on-demand detection and backtests.
    public var anomalyDetection = AnomalyMonitorOptions()

    /// The dimension tags rolled up per value (`data_aggregation.dimensions`): the values
    /// `GET …/aggregates?group_by=` accepts.
    public var rollupDimensions = RollupDimensions.standard

    /// The defaults.
    public init() {}
}
