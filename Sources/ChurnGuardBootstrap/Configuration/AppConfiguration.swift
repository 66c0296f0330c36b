public import ChurnGuardCore
public import ChurnGuardEngine
import ChurnGuardAnalytics

/// The service's typed configuration, read and validated once at start-up.
///
/// Defaults follow the deployment guide, except `database.backend`, which defaults to the
/// embedded `sqlite` so that a fresh checkout runs without any server.
public struct AppConfiguration: Sendable {
    /// Storage backends; see docs/ARCHITECTURE.md.
    public enum Backend: String, Sendable, CaseIterable {
        case sqlite, memory, timescaledb, postgres, influxdb
    }

    /// `debug` / `DEBUG`: relaxes the production checks (placeholder JWT secret).
    public var debug = false
    /// `database.backend` / `ANALYTICS_DB_BACKEND`.
    public var backend = Backend.sqlite
    /// `database.sqlite.path` / `SQLITE_PATH`.
    public var sqlitePath = "data/churnguard.sqlite"
    /// `api.host` / `API_HOST`.
    public var host = "0.0.0.0"
    /// `api.port` / `API_PORT`.
    public var port = 8000
    /// `api.cors_origins` / `CORS_ORIGINS`.
    public var corsOrigins: [String] = []
    /// `api.api_key_header` / `API_KEY_HEADER`.
    public var apiKeyHeader = "X-API-Key"
    /// `api.max_body_bytes`: larger request bodies get 413.
    public var maxBodyBytes = 16 * 1024 * 1024
    /// Per-point and per-batch validation limits (`api.max_batch_points`, `api.max_point_age`,
    /// `api.max_point_future`).
    public var validation = AppConfiguration.defaultValidation
    /// `api.max_concurrent_queries_per_org`: reads one organization may run at once.
    public var maxConcurrentQueriesPerOrganization = 4
    /// `database.group_commit`: `adaptive` (default) or `fixed` (the former 5 ms linger,
    /// kept for side-by-side benchmarks; see docs/PERFORMANCE.md), with the adaptive policy's
    /// `database.group_commit_delay_factor` and `database.group_commit_siblings`.
    public var groupCommit = GroupCommitPolicy.defaultAdaptive
    /// `security.key_cache_ttl_seconds`: how long a verified API key is trusted without a read.
    public var keyCacheTTLSeconds = 30
    /// `security.key_cache_size`: most verified keys remembered.
    public var keyCacheSize = 10_000
    /// `database.query_timeout`: the time budget of every database query, in seconds.
    public var queryTimeoutSeconds = 60
    /// `api.idle_timeout_seconds`: a connection with no request in flight is closed after this long.
    public var idleTimeoutSeconds = 60.0
    /// `api.header_read_timeout_seconds`: a request head must be complete this long after
    /// the connection opened or its first byte arrived, else the connection is closed.
    public var headerReadTimeoutSeconds = 10.0
    /// `api.body_read_timeout_seconds`: a request body must be complete this long after its head.
    public var bodyReadTimeoutSeconds = 30.0
    /// `api.rate_limits.*`: requests per window for each tier.
    public var rateLimits: [Tier: ConfigRate] = [:]
    /// `security.jwt_secret_key` / `JWT_SECRET_KEY`; `nil` when unset.
    public var jwtSecretKey: String?
    /// `logging.level` / `LOG_LEVEL`.
    public var logLevel = "info"
    /// `logging.format`: `structured` (JSON lines) or `text`.
    public var logFormat = "structured"
    /// `real_time_engine.max_points_per_metric` / `MAX_POINTS_PER_METRIC`.
    public var maxPointsPerMetric = 10_000
    /// `data_aggregation.processing_interval_seconds`.
    public var aggregationIntervalSeconds = 60
    /// `data_aggregation.batch_size`.
    public var aggregationBatchSize = 1000
    /// `data_aggregation.max_workers` / `ANALYTICS_MAX_WORKERS`.
    public var aggregationMaxWorkers = 4
    /// `data_aggregation.retention_policy.*` in seconds.
    public var retentionRawSeconds = 7 * 86_400
    /// Hourly rollups kept this long.
    public var retentionHourlySeconds = 30 * 86_400
    /// Daily rollups kept this long.
    public var retentionDailySeconds = 365 * 86_400
    /// `anomaly_detection.default_sensitivity`.
    public var anomalySensitivity = DetectionSettings.defaultSensitivity
    /// `anomaly_detection.ensemble_voting_threshold`.
    public var ensembleVotingThreshold = 2
    /// Where each value came from, for `churnguard config` style diagnostics.
    public var values = ConfigValues()

    /// The placeholder secret printed in the deployment guide; refused outside debug mode.
    public static let placeholderJWTSecret = "your-super-secret-jwt-key-change-this-in-production"

    /// Accepted retention periods: one hour to 100 years (36500d).
    public static let retentionRange = 3600...(36_500 * 86_400)

    /// The validation defaults: ten years back, one day ahead.
    static var defaultValidation: ValidationLimits {
        var limits = ValidationLimits()
        limits.maxPointAgeSeconds = 3650 * 86_400
        limits.maxPointFutureSeconds = 86_400
        return limits
    }

    /// All defaults.
    public init() {}

    /// Reads and validates every declared key (``ConfigSchema``), including the keys of
    /// features not built yet, so a typo fails today rather than on the day the feature lands.
    public init(values: ConfigValues) throws(ConfigError) {
        self.values = values
        for setting in ConfigSchema.all { try setting.validate(values) }
        typealias S = ConfigSchema
        debug = try S.debug.read(values)
        backend = Backend(rawValue: try S.backend.read(values)) ?? .sqlite
        sqlitePath = try S.sqlitePath.read(values)
        queryTimeoutSeconds = try S.queryTimeout.read(values)
        var adaptive = AdaptiveGroupCommit.Settings()
        adaptive.commitDelayFactor = try S.groupCommitDelayFactor.read(values)
        adaptive.commitSiblings = try S.groupCommitSiblings.read(values)
        groupCommit = try S.groupCommit.read(values) == "fixed" ? .previousFixed : .adaptive(adaptive)
        host = try S.host.read(values)
        port = try S.port.read(values)
        corsOrigins = try S.corsOrigins.read(values)
        apiKeyHeader = try S.apiKeyHeader.read(values)
        guard apiKeyHeader.utf8.allSatisfy({ $0 > 32 && $0 < 127 && $0 != 58 }), !apiKeyHeader.isEmpty else {
            throw values.fail(S.apiKeyHeader.path, "must be an HTTP header name (got '\(apiKeyHeader)')")
        }
        maxBodyBytes = try S.maxBodyBytes.read(values)
        validation.maxBatchPoints = try S.maxBatchPoints.read(values)
        idleTimeoutSeconds = try S.idleTimeout.read(values)
        headerReadTimeoutSeconds = try S.headerReadTimeout.read(values)
        bodyReadTimeoutSeconds = try S.bodyReadTimeout.read(values)
        // TimescaleDB creates a one-hour chunk for every hour a point falls in, and its
        // retention policy drops chunks older than a year anyway: accept no older points there.
        let age = try S.maxPointAge.read(values) ?? (backend == .timescaledb ? 365 * 86_400 : 3650 * 86_400)
        validation.maxPointAgeSeconds = Int64(age)
        validation.maxPointFutureSeconds = Int64(try S.maxPointFuture.read(values))
        maxConcurrentQueriesPerOrganization = try S.maxConcurrentQueries.read(values)
        rateLimits = [.default: try S.rateDefault.read(values), .premium: try S.ratePremium.read(values),
                      .enterprise: try S.rateEnterprise.read(values)]
        jwtSecretKey = try S.jwtSecret.read(values)
        keyCacheTTLSeconds = try S.keyCacheTTL.read(values)
        keyCacheSize = try S.keyCacheSize.read(values)
        if let secret = jwtSecretKey, secret.utf8.count < 32 {
            throw values.fail(S.jwtSecret.path, "must be at least 32 bytes (generate one with `openssl rand -hex 32`)")
        }
        logLevel = try S.logLevel.read(values)
        logFormat = try S.logFormat.read(values)
        maxPointsPerMetric = try S.maxPointsPerMetric.read(values)
        aggregationIntervalSeconds = try S.aggregationInterval.read(values)
        aggregationBatchSize = try S.batchSize.read(values)
        aggregationMaxWorkers = try S.maxWorkers.read(values)
        retentionRawSeconds = try S.rawRetention.read(values)
        retentionHourlySeconds = try S.hourlyRetention.read(values)
        retentionDailySeconds = try S.dailyRetention.read(values)
        anomalySensitivity = try S.sensitivity.read(values)
        ensembleVotingThreshold = try S.votingThreshold.read(values)
    }

    /// Every declared key with its effective value (secrets `<redacted>`) and its source.
    public func effectiveSettings() -> [(key: String, value: String, source: String)] {
        ConfigSchema.all.map { ($0.path, $0.display(values), values.source(of: $0.path)) }
    }

    /// One warning per key that is set to a non-default value although nothing acts on it
    /// yet, so such a setting is never silently ignored.
    public var pendingSettingWarnings: [String] {
        ConfigSchema.all.compactMap { setting in
            guard let feature = setting.pendingFeature, setting.isChanged(in: values) else { return nil }
            return "\(setting.path) is set (\(values.source(of: setting.path))) but has no effect yet: \(feature) is not built"
        }
    }

    /// Checks that only matter when serving: refuses the guide's placeholder JWT secret
    /// outside debug mode, since anyone could then forge tokens.
    public func validateForServing() throws(ConfigError) {
        if jwtSecretKey == Self.placeholderJWTSecret && !debug {
            throw values.fail("security.jwt_secret_key",
                              "is the deployment guide's placeholder; set JWT_SECRET_KEY to a random secret (openssl rand -hex 32) or DEBUG=true for development")
        }
    }
}
