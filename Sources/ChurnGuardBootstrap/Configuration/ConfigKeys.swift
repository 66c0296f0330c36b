/// Every configuration key the service reads, with the environment variables that set it.
///
/// Each dotted YAML key can be set by its upper-snake-case variable (`api.port` →
/// `API_PORT`); the deployment guide's own names are listed here as aliases. Keys under
/// `real_time_engine.alert_thresholds` are free-form (one entry per metric).
enum ConfigKeys {
    struct Key {
        let path: String
        let aliases: [String]
        let isSecret: Bool

        init(_ path: String, aliases: [String] = [], secret: Bool = false) {
            self.path = path
            self.aliases = aliases
            self.isSecret = secret
        }

        /// `api.port` → `API_PORT`.
        var snakeVariable: String { path.replacingDots().uppercased() }
        /// Every variable that sets this key, in increasing priority.
        var variables: [String] { [snakeVariable] + aliases.filter { $0 != snakeVariable } }
    }

    static let freeFormPrefixes = ["real_time_engine.alert_thresholds."]

    static let all: [Key] = [
        Key("debug", aliases: ["DEBUG"]),
        Key("database.backend", aliases: ["ANALYTICS_DB_BACKEND"]),
        Key("database.connection_pool_size"),
        Key("database.connection_timeout"),
        Key("database.query_timeout"),
        Key("database.group_commit"),
        Key("database.group_commit_delay_factor"),
        Key("database.group_commit_siblings"),
        Key("database.sqlite.path", aliases: ["SQLITE_PATH"]),
        Key("database.timescaledb.url", aliases: ["TIMESCALEDB_URL"], secret: true),
        Key("database.timescaledb.host"),
        Key("database.timescaledb.port"),
        Key("database.timescaledb.database"),
        Key("database.timescaledb.username"),
        Key("database.timescaledb.password", secret: true),
        Key("database.timescaledb.ssl_mode"),
        Key("database.timescaledb.ssl_root_cert"),
        Key("database.influxdb.url", aliases: ["INFLUXDB_URL"]),
        Key("database.influxdb.token", aliases: ["INFLUXDB_TOKEN"], secret: true),
        Key("database.influxdb.org", aliases: ["INFLUXDB_ORG"]),
        Key("database.influxdb.bucket", aliases: ["INFLUXDB_BUCKET"]),
        Key("redis.url", aliases: ["REDIS_URL"], secret: true),
        Key("redis.connection_pool_size"),
        Key("redis.socket_timeout"),
        Key("redis.retry_on_timeout"),
        Key("real_time_engine.max_points_per_metric", aliases: ["MAX_POINTS_PER_METRIC"]),
        Key("real_time_engine.processing_interval_seconds"),
        Key("real_time_engine.cleanup_interval_seconds"),
        Key("real_time_engine.performance_logging"),
        Key("data_aggregation.max_workers", aliases: ["ANALYTICS_MAX_WORKERS"]),
        Key("data_aggregation.batch_size"),
        Key("data_aggregation.processing_interval_seconds"),
        Key("data_aggregation.retention_policy.raw_data"),
        Key("data_aggregation.retention_policy.hourly_aggregates"),
        Key("data_aggregation.retention_policy.daily_aggregates"),
        Key("anomaly_detection.enabled", aliases: ["ANOMALY_DETECTION_ENABLED"]),
        Key("anomaly_detection.monitoring_interval_seconds", aliases: ["ANALYTICS_MONITORING_INTERVAL"]),
        Key("anomaly_detection.default_sensitivity"),
        Key("anomaly_detection.ensemble_voting_threshold"),
        Key("anomaly_detection.methods.statistical.enabled"),
        Key("anomaly_detection.methods.statistical.default_method"),
        Key("anomaly_detection.methods.isolation_forest.enabled"),
        Key("anomaly_detection.methods.isolation_forest.contamination"),
        Key("anomaly_detection.methods.local_outlier_factor.enabled"),
        Key("anomaly_detection.methods.local_outlier_factor.n_neighbors"),
        Key("insights.enabled", aliases: ["INSIGHTS_GENERATION_ENABLED"]),
        Key("insights.max_insights_per_org", aliases: ["MAX_INSIGHTS_PER_ORG"]),
        Key("insights.confidence_threshold"),
        Key("insights.cache_ttl_seconds", aliases: ["ANALYTICS_CACHE_TTL"]),
        Key("insights.narrative_templates"),
        Key("recommendations.enabled", aliases: ["RECOMMENDATIONS_ENABLED"]),
        Key("recommendations.max_recommendations", aliases: ["MAX_RECOMMENDATIONS"]),
        Key("recommendations.confidence_threshold"),
        Key("recommendations.roi_calculation_enabled"),
        Key("recommendations.business_rules"),
        Key("api.host", aliases: ["API_HOST"]),
        Key("api.port", aliases: ["API_PORT"]),
        Key("api.workers"),
        Key("api.timeout"),
        Key("api.cors_origins", aliases: ["CORS_ORIGINS"]),
        Key("api.api_key_header", aliases: ["API_KEY_HEADER"]),
        Key("api.max_body_bytes"),
        Key("api.max_batch_points"),
        Key("api.max_point_age"),
        Key("api.max_point_future"),
        Key("api.max_concurrent_queries_per_org"),
        Key("api.rate_limits.default"),
        Key("api.rate_limits.premium"),
        Key("api.rate_limits.enterprise"),
        Key("security.jwt_secret_key", aliases: ["JWT_SECRET_KEY"], secret: true),
        Key("logging.level", aliases: ["LOG_LEVEL"]),
        Key("logging.format"),
        Key("logging.file"),
        Key("logging.max_size_mb"),
        Key("logging.backup_count"),
        Key("monitoring.enabled", aliases: ["ANALYTICS_MONITORING_ENABLED"]),
        Key("monitoring.metrics_enabled"),
        Key("monitoring.health_check_interval"),
        Key("monitoring.performance_monitoring"),
        Key("monitoring.alert_on_errors"),
        Key("notifications.smtp.host", aliases: ["SMTP_HOST"]),
        Key("notifications.smtp.port", aliases: ["SMTP_PORT"]),
        Key("notifications.smtp.username", aliases: ["SMTP_USERNAME"]),
        Key("notifications.smtp.password", aliases: ["SMTP_PASSWORD"], secret: true),
        Key("notifications.slack_webhook_url", aliases: ["SLACK_WEBHOOK_URL"], secret: true),
    ]

    static let byPath: [String: Key] = Dictionary(uniqueKeysWithValues: all.map { ($0.path, $0) })

    static func isKnown(_ path: String) -> Bool {
        byPath[path] != nil || freeFormPrefixes.contains { path.hasPrefix($0) }
    }
}

extension String {
    func replacingDots() -> String { String(map { $0 == "." ? "_" : $0 }) }
}
