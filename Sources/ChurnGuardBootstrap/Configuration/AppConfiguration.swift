public import ChurnGuardCore
public import ChurnGuardEngine
import ChurnGuardAnalytics
import ChurnGuardAPI

/// The service's typed configuration, read and validated once at start-up.
///
/// Every default is the declared one (``ConfigSchema``), so `AppConfiguration()` equals a
/// configuration read from no values at all. Defaults follow the deployment guide, except `database.backend`, which defaults to the
/// embedded `sqlite` so that a fresh checkout runs without any server.
public struct AppConfiguration: Sendable {
    /// Storage backends; see docs/ARCHITECTURE.md.
    public enum Backend: String, Sendable, CaseIterable {
        case sqlite, memory, timescaledb, postgres, influxdb
    }

    /// `debug` / `DEBUG`: relaxes the production checks (placeholder JWT secret).
    public var debug = ConfigSchema.debug.defaultValue
    /// `database.backend` / `ANALYTICS_DB_BACKEND`.
    public var backend = Backend(rawValue: ConfigSchema.backend.defaultValue) ?? .sqlite
    /// `database.sqlite.path` / `SQLITE_PATH`.
    public var sqlitePath = ConfigSchema.sqlitePath.defaultValue
    /// `api.host` / `API_HOST`.
    public var host = ConfigSchema.host.defaultValue
    /// `api.port` / `API_PORT`.
    public var port = ConfigSchema.port.defaultValue
    /// `api.cors_origins` / `CORS_ORIGINS`.
    public var corsOrigins = ConfigSchema.corsOrigins.defaultValue
    /// `api.api_key_header` / `API_KEY_HEADER`.
    public var apiKeyHeader = ConfigSchema.apiKeyHeader.defaultValue
    /// `api.max_body_bytes`: larger request bodies get 413.
    public var maxBodyBytes = ConfigSchema.maxBodyBytes.defaultValue
    /// Per-point and per-batch validation limits (`api.max_batch_points`, `api.max_point_age`,
    /// `api.max_point_future`).
    public var validation = AppConfiguration.defaultValidation
    /// `api.max_concurrent_queries_per_org`: reads one organization may run at once.
    public var maxConcurrentQueriesPerOrganization = ConfigSchema.maxConcurrentQueries.defaultValue
    /// `database.group_commit`: `adaptive` (default) or `fixed` (the former 5 ms linger,
    /// kept for side-by-side benchmarks; see docs/PERFORMANCE.md), with the adaptive policy's
    /// `database.group_commit_delay_factor` and `database.group_commit_siblings`.
    public var groupCommit = GroupCommitPolicy.defaultAdaptive
    /// `security.key_cache_ttl_seconds`: how long a verified API key is trusted without a read.
    public var keyCacheTTLSeconds = ConfigSchema.keyCacheTTL.defaultValue
    /// `security.key_cache_size`: most verified keys remembered.
    public var keyCacheSize = ConfigSchema.keyCacheSize.defaultValue
    /// `database.query_timeout`: the time budget of every database query, in seconds.
    public var queryTimeoutSeconds = ConfigSchema.queryTimeout.defaultValue
    /// `api.idle_timeout_seconds`: a connection with no request in flight is closed after this long.
    public var idleTimeoutSeconds = ConfigSchema.idleTimeout.defaultValue
    /// `api.header_read_timeout_seconds`: a request head must be complete this long after
    /// the connection opened or its first byte arrived, else the connection is closed.
    public var headerReadTimeoutSeconds = ConfigSchema.headerReadTimeout.defaultValue
    /// `api.body_read_timeout_seconds`: a request body must be complete this long after its head.
    public var bodyReadTimeoutSeconds = ConfigSchema.bodyReadTimeout.defaultValue
    /// `api.rate_limits.*`: requests per window for each tier.
    public var rateLimits: [Tier: ConfigRate] = [
        .default: ConfigSchema.rateDefault.defaultValue, .premium: ConfigSchema.ratePremium.defaultValue, .enterprise: ConfigSchema.rateEnterprise.defaultValue,
    ]
    /// `security.jwt_secret_key` / `JWT_SECRET_KEY`; `nil` when unset.
    public var jwtSecretKey: String?
    /// `api.metric_list_cache_seconds`.
    public var metricListCacheSeconds = ConfigSchema.metricListCache.defaultValue
    /// `api.idempotency_key_ttl`, in seconds.
    public var idempotencyKeyTTLSeconds = ConfigSchema.idempotencyTTL.defaultValue
    /// `insights.enabled` / `INSIGHTS_GENERATION_ENABLED`: the periodic generation (the API stays).
    public var insightsEnabled = ConfigSchema.insightsEnabled.defaultValue
    /// `insights.max_insights_per_org` / `MAX_INSIGHTS_PER_ORG`.
    public var maxInsightsPerOrganization = ConfigSchema.maxInsights.defaultValue
    /// `insights.confidence_threshold`.
    public var insightConfidenceThreshold = ConfigSchema.insightConfidence.defaultValue
    /// `insights.cache_ttl_seconds` / `ANALYTICS_CACHE_TTL`.
    public var insightCacheTTLSeconds = ConfigSchema.insightTTL.defaultValue
    /// `insights.narrative_templates`: the folder of `<kind>.mustache` templates.
    public var insightTemplatesDirectory = ConfigSchema.templates.defaultValue
    /// `recommendations.enabled` / `RECOMMENDATIONS_ENABLED`: the engine in the worker (the API stays).
    public var recommendationsEnabled = ConfigSchema.recommendationsEnabled.defaultValue
    /// `recommendations.max_recommendations` / `MAX_RECOMMENDATIONS`.
    public var maxRecommendations = ConfigSchema.maxRecommendations.defaultValue
    /// `recommendations.confidence_threshold`.
    public var recommendationConfidenceThreshold = ConfigSchema.recommendationConfidence.defaultValue
    /// `recommendations.roi_calculation_enabled`.
    public var roiCalculationEnabled = ConfigSchema.roi.defaultValue
    /// `recommendations.business_rules`: the rules file.
    public var businessRulesFile = ConfigSchema.rules.defaultValue
    /// `security.jwt_secret_key_previous` / `JWT_SECRET_KEY_PREVIOUS`: accepted during a rotation.
    public var jwtPreviousSecretKey: String?
    /// `security.access_token_expire_seconds`.
    public var accessTokenLifetimeSeconds = ConfigSchema.tokenLifetime.defaultValue
    /// `security.jwt_issuer`.
    public var jwtIssuer = ConfigSchema.jwtIssuer.defaultValue
    /// `security.jwt_audience`.
    public var jwtAudience = ConfigSchema.jwtAudience.defaultValue
    /// `api.trusted_hosts`.
    public var trustedHosts = ConfigSchema.trustedHosts.defaultValue
    /// `security.https_redirect`.
    public var httpsRedirect = ConfigSchema.httpsRedirect.defaultValue
    /// `security.trusted_proxies`.
    public var trustedProxies = ConfigSchema.trustedProxies.defaultValue
    /// `security.hsts_max_age_seconds`.
    public var hstsMaxAgeSeconds = ConfigSchema.hstsMaxAge.defaultValue
    /// `logging.level` / `LOG_LEVEL`.
    public var logLevel = ConfigSchema.logLevel.defaultValue
    /// `logging.format`: `structured` (JSON lines) or `text`.
    public var logFormat = ConfigSchema.logFormat.defaultValue
    /// `logging.file`: the log file; `nil` writes to standard error.
    public var logFile: String?
    /// `logging.max_size_mb`: size of the log file before it is rotated.
    public var logMaxSizeMB = ConfigSchema.logMaxSize.defaultValue
    /// `logging.backup_count`: rotated files kept.
    public var logBackupCount = ConfigSchema.logBackups.defaultValue
    /// `monitoring.metrics_enabled`: count metrics and serve `/metrics`.
    public var metricsEnabled = ConfigSchema.metricsEnabled.defaultValue
    /// `monitoring.metrics_port`: a separate port for `/metrics` (0: the API's).
    public var metricsPort = ConfigSchema.metricsPort.defaultValue
    /// `real_time_engine.max_points_per_metric` / `MAX_POINTS_PER_METRIC`.
    public var maxPointsPerMetric = ConfigSchema.maxPointsPerMetric.defaultValue
    /// `real_time_engine.enabled`: whether the engine is fed at all (benchmarks compare both).
    public var realtimeEnabled = ConfigSchema.realtimeEnabled.defaultValue
    /// `real_time_engine.processing_interval_seconds`.
    public var realtimeIntervalSeconds = ConfigSchema.realtimeInterval.defaultValue
    /// `real_time_engine.cleanup_interval_seconds`.
    public var realtimeCleanupSeconds = ConfigSchema.realtimeCleanup.defaultValue
    /// `real_time_engine.performance_logging`.
    public var realtimePerformanceLogging = ConfigSchema.realtimeLogging.defaultValue
    /// `real_time_engine.max_series_per_organization`.
    public var realtimeMaxSeriesPerOrganization = ConfigSchema.realtimeMaxSeries.defaultValue
    /// `real_time_engine.rebuild_horizon_seconds`.
    public var realtimeRebuildHorizonSeconds = ConfigSchema.realtimeRebuildHorizon.defaultValue
    /// `real_time_engine.stream_send_queue`: messages one stream connection may fall behind.
    public var streamSendQueue = ConfigSchema.streamSendQueue.defaultValue
    /// `real_time_engine.alert_thresholds`: every organization's default alert rules. The
    /// built-in defaults are the deployment guide's (`churn_risk_score` above 0.8 high,
    /// `customer_activity` below 50 medium); a configuration that sets the section replaces them.
    public var alertThresholds = AppConfiguration.guideAlertThresholds
    /// `notifications.*`: channels, default recipients, pacing.
    public var notifications = NotificationSettings()
    /// `data_aggregation.processing_interval_seconds`.
    public var aggregationIntervalSeconds = ConfigSchema.aggregationInterval.defaultValue
    /// `data_aggregation.batch_size`.
    public var aggregationBatchSize = ConfigSchema.batchSize.defaultValue
    /// `data_aggregation.max_workers` / `ANALYTICS_MAX_WORKERS`.
    public var aggregationMaxWorkers = ConfigSchema.maxWorkers.defaultValue
    /// `data_aggregation.dimensions` and `data_aggregation.max_dimension_values`: the tags also rolled up per value.
    public var rollupDimensions = RollupDimensions(names: ConfigSchema.dimensions.defaultValue,
                                                   maxValues: ConfigSchema.maxDimensionValues.defaultValue)
    /// `data_aggregation.retention_policy.*` in seconds.
    public var retentionRawSeconds = ConfigSchema.rawRetention.defaultValue
    /// Hourly rollups kept this long.
    public var retentionHourlySeconds = ConfigSchema.hourlyRetention.defaultValue
    /// Daily rollups kept this long.
    public var retentionDailySeconds = ConfigSchema.dailyRetention.defaultValue
    /// `anomaly_detection.min_history_points`: the low-volume gate.
    public var anomalyMinimumHistory = ConfigSchema.minHistory.defaultValue
    /// `anomaly_detection.default_sensitivity`.
    public var anomalySensitivity = ConfigSchema.sensitivity.defaultValue
    /// `anomaly_detection.ensemble_voting_threshold`.
    public var ensembleVotingThreshold = ConfigSchema.votingThreshold.defaultValue
    /// `anomaly_detection.enabled` / `ANOMALY_DETECTION_ENABLED`: run the anomaly monitor.
    public var anomalyMonitorEnabled = ConfigSchema.anomalyEnabled.defaultValue
    /// `anomaly_detection.monitoring_interval_seconds` / `ANALYTICS_MONITORING_INTERVAL`.
    public var anomalyMonitoringIntervalSeconds = ConfigSchema.monitoringInterval.defaultValue
    /// `anomaly_detection.methods.statistical.enabled`.
    public var anomalyStatisticalEnabled = ConfigSchema.statisticalEnabled.defaultValue
    /// `anomaly_detection.methods.isolation_forest.enabled`.
    public var anomalyForestEnabled = ConfigSchema.forestEnabled.defaultValue
    /// `anomaly_detection.methods.local_outlier_factor.enabled`.
    public var anomalyLOFEnabled = ConfigSchema.lofEnabled.defaultValue
    /// `anomaly_detection.methods.local_outlier_factor.n_neighbors`.
    public var anomalyLOFNeighbors = ConfigSchema.neighbors.defaultValue
    /// Where each value came from, for `churnguard config` style diagnostics.
    public var values = ConfigValues()

    /// The placeholder secret printed in the deployment guide; refused outside debug mode.
    public static let placeholderJWTSecret = "your-super-secret-jwt-key-change-this-in-production"

    /// Accepted retention periods: one hour to 100 years (36500d).
    public static let retentionRange = 3600...(36_500 * 86_400)

    /// Oldest accepted point when `api.max_point_age` is unset: ten years back, or one year on
    /// TimescaleDB, whose retention policy drops older chunks anyway.
    static func defaultPointAgeSeconds(_ backend: Backend) -> Int {
        backend == .timescaledb ? 365 * 86_400 : 3650 * 86_400
    }

    /// The validation defaults of the default backend.
    static var defaultValidation: ValidationLimits {
        var limits = ValidationLimits()
        limits.maxBatchPoints = ConfigSchema.maxBatchPoints.defaultValue
        limits.maxPointAgeSeconds = Int64(defaultPointAgeSeconds(.sqlite))
        limits.maxPointFutureSeconds = Int64(ConfigSchema.maxPointFuture.defaultValue)
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
        for origin in corsOrigins where !HTTPPolicy.isValidOrigin(origin) {
            throw values.fail(S.corsOrigins.path, "'\(origin)' is not * or an origin such as https://app.example.com (scheme and host, no path)")
        }
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
        let age = try S.maxPointAge.read(values) ?? Self.defaultPointAgeSeconds(backend)
        validation.maxPointAgeSeconds = Int64(age)
        validation.maxPointFutureSeconds = Int64(try S.maxPointFuture.read(values))
        maxConcurrentQueriesPerOrganization = try S.maxConcurrentQueries.read(values)
        rateLimits = [.default: try S.rateDefault.read(values), .premium: try S.ratePremium.read(values),
                      .enterprise: try S.rateEnterprise.read(values)]
        jwtSecretKey = try S.jwtSecret.read(values)
        keyCacheTTLSeconds = try S.keyCacheTTL.read(values)
        keyCacheSize = try S.keyCacheSize.read(values)
        idempotencyKeyTTLSeconds = try S.idempotencyTTL.read(values)
        metricListCacheSeconds = try S.metricListCache.read(values)
        insightsEnabled = try S.insightsEnabled.read(values)
        maxInsightsPerOrganization = try S.maxInsights.read(values)
        insightConfidenceThreshold = try S.insightConfidence.read(values)
        insightCacheTTLSeconds = try S.insightTTL.read(values)
        insightTemplatesDirectory = try S.templates.read(values)
        recommendationsEnabled = try S.recommendationsEnabled.read(values)
        maxRecommendations = try S.maxRecommendations.read(values)
        recommendationConfidenceThreshold = try S.recommendationConfidence.read(values)
        roiCalculationEnabled = try S.roi.read(values)
        businessRulesFile = try S.rules.read(values)
        jwtPreviousSecretKey = try S.jwtPreviousSecret.read(values)
        for (setting, secret) in [(S.jwtSecret, jwtSecretKey), (S.jwtPreviousSecret, jwtPreviousSecretKey)] {
            if let secret, secret.utf8.count < 32 {
                throw values.fail(setting.path, "must be at least 32 bytes (it has \(secret.utf8.count)); generate one with `openssl rand -hex 32`")
            }
        }
        accessTokenLifetimeSeconds = try S.tokenLifetime.read(values)
        jwtIssuer = try S.jwtIssuer.read(values)
        jwtAudience = try S.jwtAudience.read(values)
        trustedHosts = try S.trustedHosts.read(values)
        httpsRedirect = try S.httpsRedirect.read(values)
        trustedProxies = try S.trustedProxies.read(values)
        for entry in trustedProxies where !HTTPPolicy.isValidProxyEntry(entry) {
            throw values.fail(S.trustedProxies.path, "'\(entry)' is not an IP address or CIDR block")
        }
        hstsMaxAgeSeconds = try S.hstsMaxAge.read(values)
        logLevel = try S.logLevel.read(values)
        logFormat = try S.logFormat.read(values)
        logFile = try S.logFile.read(values)
        logMaxSizeMB = try S.logMaxSize.read(values)
        logBackupCount = try S.logBackups.read(values)
        metricsEnabled = try S.metricsEnabled.read(values)
        metricsPort = try S.metricsPort.read(values)
        if metricsPort != 0, metricsPort == port {
            throw values.fail(S.metricsPort.path, "must differ from api.port (\(port)); 0 serves /metrics on the API port")
        }
        maxPointsPerMetric = try S.maxPointsPerMetric.read(values)
        realtimeEnabled = try S.realtimeEnabled.read(values)
        realtimeIntervalSeconds = try S.realtimeInterval.read(values)
        realtimeCleanupSeconds = try S.realtimeCleanup.read(values)
        realtimePerformanceLogging = try S.realtimeLogging.read(values)
        realtimeMaxSeriesPerOrganization = try S.realtimeMaxSeries.read(values)
        realtimeRebuildHorizonSeconds = try S.realtimeRebuildHorizon.read(values)
        streamSendQueue = try S.streamSendQueue.read(values)
        let thresholds = try values.alertThresholds()
        alertThresholds = values.keys(withPrefix: ConfigValues.alertThresholdsPrefix).isEmpty ? Self.guideAlertThresholds : thresholds
        aggregationIntervalSeconds = try S.aggregationInterval.read(values)
        aggregationBatchSize = try S.batchSize.read(values)
        aggregationMaxWorkers = try S.maxWorkers.read(values)
        let dimensionNames = try S.dimensions.read(values)
        for name in dimensionNames {
            if let problem = PointValidator().tagKeyProblem(name) { throw values.fail(S.dimensions.path, "\(name.prefix(64)): \(problem)") }
        }
        rollupDimensions = RollupDimensions(names: dimensionNames, maxValues: try S.maxDimensionValues.read(values))
        retentionRawSeconds = try S.rawRetention.read(values)
        retentionHourlySeconds = try S.hourlyRetention.read(values)
        retentionDailySeconds = try S.dailyRetention.read(values)
        anomalySensitivity = try S.sensitivity.read(values)
        anomalyMinimumHistory = try S.minHistory.read(values)
        ensembleVotingThreshold = try S.votingThreshold.read(values)
        notifications = try NotificationSettings(values)
        anomalyMonitorEnabled = try S.anomalyEnabled.read(values)
        anomalyMonitoringIntervalSeconds = try S.monitoringInterval.read(values)
        anomalyStatisticalEnabled = try S.statisticalEnabled.read(values)
        anomalyForestEnabled = try S.forestEnabled.read(values)
        anomalyLOFEnabled = try S.lofEnabled.read(values)
        anomalyLOFNeighbors = try S.neighbors.read(values)
        if !anomalyStatisticalEnabled && !anomalyForestEnabled && !anomalyLOFEnabled {
            throw values.fail(S.statisticalEnabled.path, "at least one anomaly_detection.methods.*.enabled must be true")
        }
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

extension AppConfiguration {
    /// The anomaly monitor's settings (`anomaly_detection.*`): statistical methods, Isolation
    /// Forest and LOF as enabled, the sensitivity, voting threshold and LOF neighbours.
    public var anomalyMonitorOptions: AnomalyMonitorOptions {
        var options = AnomalyMonitorOptions()
        options.interval = .seconds(anomalyMonitoringIntervalSeconds)
        options.settings.sensitivity = anomalySensitivity
        options.settings.votingThreshold = ensembleVotingThreshold
        options.settings.multivariate.neighbors = anomalyLOFNeighbors
        options.settings.minimumHistory = anomalyMinimumHistory
        options.dimensions = rollupDimensions
        // An hour is scored once the aggregation has surely folded it.
        options.groupSettleSeconds = Int64(max(600, 2 * aggregationIntervalSeconds))
        options.methods = DetectionMethod.allCases.filter { method in
            switch method {
            case .isolationForest: anomalyForestEnabled
            case .lof: anomalyLOFEnabled
            case .zscore, .mad, .iqr, .seasonal, .regime: anomalyStatisticalEnabled
            }
        }
        return options
    }

    /// The real-time engine's options.
    public var realtimeOptions: RealtimeOptions {
        var options = RealtimeOptions()
        options.maxPointsPerSeries = maxPointsPerMetric
        options.maxSeriesPerOrganization = realtimeMaxSeriesPerOrganization
        options.cleanupIntervalSeconds = realtimeCleanupSeconds
        options.processingIntervalSeconds = realtimeIntervalSeconds
        options.performanceLogging = realtimePerformanceLogging
        options.rebuildHorizonSeconds = realtimeRebuildHorizonSeconds
        return options
    }
}

extension AppConfiguration {
    /// The deployment guide's default alert thresholds (also the shipped YAML's).
    public static let guideAlertThresholds = [
        AlertRule(id: "default.churn_risk_score", metricName: "churn_risk_score", condition: .above, threshold: 0.8, severity: .high),
        AlertRule(id: "default.customer_activity", metricName: "customer_activity", condition: .below, threshold: 50, severity: .medium),
    ]
}

extension AppConfiguration {
    /// The insight generator's settings (`insights.*`; the rest are documented defaults).
    public var insightSettings: InsightSettings {
        var settings = InsightSettings()
        settings.maxPerOrganization = maxInsightsPerOrganization
        settings.confidenceThreshold = insightConfidenceThreshold
        return settings
    }
}
