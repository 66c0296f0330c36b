public import ChurnGuardCore
public import ChurnGuardEngine

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
    /// `database.query_timeout`: the time budget of every database query, in seconds.
    public var queryTimeoutSeconds = 60
    /// `api.rate_limits.*`: requests per window for each tier.
    public var rateLimits: [Tier: (count: Int, windowSeconds: Int)] = [:]
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
    public var anomalySensitivity = 2.0
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

    /// Reads and validates every key.
    public init(values: ConfigValues) throws(ConfigError) {
        self.values = values
        debug = try values.bool("debug", default: false)
        let backendName = try values.choice("database.backend", default: "sqlite", allowed: Backend.allCases.map(\.rawValue))
        backend = Backend(rawValue: backendName) ?? .sqlite
        sqlitePath = values.string("database.sqlite.path", default: sqlitePath)
        _ = try values.int("database.connection_pool_size", default: 20, range: 1...1000)
        _ = try values.int("database.connection_timeout", default: 30, range: 1...3600)
        queryTimeoutSeconds = try values.int("database.query_timeout", default: 60, range: 1...3600)
        let groupCommitName = try values.choice("database.group_commit", default: "adaptive", allowed: ["adaptive", "fixed"])
        var adaptive = AdaptiveGroupCommit.Settings()
        adaptive.commitDelayFactor = try values.double("database.group_commit_delay_factor",
                                                         default: adaptive.commitDelayFactor, range: 0...10)
        adaptive.commitSiblings = try values.int("database.group_commit_siblings", default: adaptive.commitSiblings, range: 1...10_000)
        groupCommit = groupCommitName == "fixed" ? .previousFixed : .adaptive(adaptive)
        host = values.string("api.host", default: host)
        port = try values.int("api.port", default: port, range: 0...65_535)
        corsOrigins = values.list("api.cors_origins", default: [])
        apiKeyHeader = values.string("api.api_key_header", default: apiKeyHeader)
        guard apiKeyHeader.utf8.allSatisfy({ $0 > 32 && $0 < 127 && $0 != 58 }), !apiKeyHeader.isEmpty else {
            throw values.fail("api.api_key_header", "must be an HTTP header name (got '\(apiKeyHeader)')")
        }
        maxBodyBytes = try values.int("api.max_body_bytes", default: maxBodyBytes, range: 1024...(1 << 30))
        validation.maxBatchPoints = try values.int("api.max_batch_points", default: validation.maxBatchPoints, range: 1...1_000_000)
        // TimescaleDB creates a one-hour chunk for every hour a point falls in, and its
        // retention policy drops chunks older than a year anyway: accept no older points there.
        let ageDefault = backend == .timescaledb ? 365 * 86_400 : 3650 * 86_400
        validation.maxPointAgeSeconds = Int64(try values.duration("api.max_point_age", default: ageDefault, range: Self.retentionRange))
        validation.maxPointFutureSeconds = Int64(try values.duration("api.max_point_future", default: 86_400,
                                                                     range: 60...(36_500 * 86_400)))
        maxConcurrentQueriesPerOrganization = try values.int("api.max_concurrent_queries_per_org", default: 4, range: 1...1000)
        _ = try values.int("api.workers", default: 4, range: 1...256)
        _ = try values.int("api.timeout", default: 60, range: 1...3600)
        let defaults: [Tier: String] = [.default: "1000/hour", .premium: "10000/hour", .enterprise: "100000/hour"]
        for tier in Tier.allCases {
            rateLimits[tier] = try values.rate("api.rate_limits.\(tier.rawValue)", default: defaults[tier] ?? "1000/hour")
        }
        jwtSecretKey = values.optionalString("security.jwt_secret_key")
        if let secret = jwtSecretKey, secret.utf8.count < 32 {
            throw values.fail("security.jwt_secret_key", "must be at least 32 bytes (generate one with `openssl rand -hex 32`)")
        }
        logLevel = try values.choice("logging.level", default: "info",
                                     allowed: ["trace", "debug", "info", "notice", "warning", "error", "critical"])
        logFormat = try values.choice("logging.format", default: "structured", allowed: ["structured", "text"])
        maxPointsPerMetric = try values.int("real_time_engine.max_points_per_metric", default: maxPointsPerMetric, range: 10...10_000_000)
        aggregationIntervalSeconds = try values.int("data_aggregation.processing_interval_seconds", default: 60, range: 1...86_400)
        aggregationBatchSize = try values.int("data_aggregation.batch_size", default: 1000, range: 1...1_000_000)
        aggregationMaxWorkers = try values.int("data_aggregation.max_workers", default: 4, range: 1...64)
        retentionRawSeconds = try values.duration("data_aggregation.retention_policy.raw_data", default: retentionRawSeconds,
                                                  range: Self.retentionRange)
        retentionHourlySeconds = try values.duration("data_aggregation.retention_policy.hourly_aggregates",
                                                     default: retentionHourlySeconds, range: Self.retentionRange)
        retentionDailySeconds = try values.duration("data_aggregation.retention_policy.daily_aggregates",
                                                    default: retentionDailySeconds, range: Self.retentionRange)
        anomalySensitivity = try values.double("anomaly_detection.default_sensitivity", default: 2.0, range: 0.1...10)
        ensembleVotingThreshold = try values.int("anomaly_detection.ensemble_voting_threshold", default: 2, range: 1...6)
        try validateRemainingKeys(values)
    }

    /// Checks the types of keys later features read, so a typo fails at start-up today.
    private func validateRemainingKeys(_ values: ConfigValues) throws(ConfigError) {
        for key in ["redis.retry_on_timeout", "real_time_engine.performance_logging", "anomaly_detection.enabled",
                    "anomaly_detection.methods.statistical.enabled", "anomaly_detection.methods.isolation_forest.enabled",
                    "anomaly_detection.methods.local_outlier_factor.enabled", "insights.enabled", "recommendations.enabled",
                    "recommendations.roi_calculation_enabled", "monitoring.enabled", "monitoring.metrics_enabled",
                    "monitoring.performance_monitoring", "monitoring.alert_on_errors"] {
            _ = try values.bool(key, default: true)
        }
        for (key, range) in [("redis.connection_pool_size", 1...1000), ("redis.socket_timeout", 1...3600),
                             ("real_time_engine.processing_interval_seconds", 1...3600),
                             ("real_time_engine.cleanup_interval_seconds", 1...86_400),
                             ("anomaly_detection.monitoring_interval_seconds", 1...86_400),
                             ("anomaly_detection.methods.local_outlier_factor.n_neighbors", 1...1000),
                             ("insights.max_insights_per_org", 1...100_000), ("insights.cache_ttl_seconds", 0...86_400),
                             ("recommendations.max_recommendations", 1...100_000), ("logging.max_size_mb", 1...100_000),
                             ("logging.backup_count", 0...1000), ("monitoring.health_check_interval", 1...86_400),
                             ("notifications.smtp.port", 1...65_535), ("database.timescaledb.port", 1...65_535)] {
            _ = try values.int(key, default: range.lowerBound, range: range)
        }
        for key in ["anomaly_detection.methods.isolation_forest.contamination", "insights.confidence_threshold",
                    "recommendations.confidence_threshold"] {
            _ = try values.double(key, default: 0.1, range: 0...1)
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
