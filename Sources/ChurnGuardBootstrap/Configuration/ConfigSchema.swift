import ChurnGuardCore
import ChurnGuardAnalytics

/// Every configuration key the service reads, declared once (see ``ConfigSetting``).
///
/// Each dotted key can be set by its upper-snake-case variable (`api.port` → `API_PORT`) and
/// by the deployment guide's names listed as aliases. Keys under
/// `real_time_engine.alert_thresholds` are free-form (one entry per metric). A key with a
/// `pending` feature is read and validated but not acted on yet; setting it to anything but
/// its default logs a warning at start-up, so it is never silently ignored.
public enum ConfigSchema {
    static let redis = "Redis"
    static let influx = "the InfluxDB backend"
    static let monitorOneMethod = "choosing a single statistical method (the monitor runs every enabled method, as churnguard detect)"
    static let monitorContamination = "a contamination share for Isolation Forest (the ensemble calibrates it by its score tail)"
    static let security = "JWT tokens and CORS"
    static let observability = "Prometheus metrics and log files"

    // MARK: general
    static let debug = ConfigSetting.flag("debug", default: false, doc: "relaxes production checks (accepts the guide's placeholder JWT secret)", aliases: ["DEBUG"])

    // MARK: database
    static let backend = ConfigSetting.choice("database.backend", default: "sqlite", allowed: AppConfiguration.Backend.allCases.map(\.rawValue),
        doc: "where points and state live: sqlite (embedded), memory, postgres/timescaledb (docs/POSTGRES.md); influxdb is refused until it lands",
        aliases: ["ANALYTICS_DB_BACKEND"])
    static let poolSize = ConfigSetting.integer("database.connection_pool_size", default: 20, range: 1...1000, doc: "PostgreSQL connections per process")
    static let connectTimeout = ConfigSetting.integer("database.connection_timeout", default: 30, range: 1...3600, doc: "seconds to wait for a PostgreSQL connection")
    static let queryTimeout = ConfigSetting.integer("database.query_timeout", default: 60, range: 1...3600,
        doc: "seconds every database query may run (SQLite interrupts reads, PostgreSQL sets statement_timeout)")
    static let groupCommit = ConfigSetting.choice("database.group_commit", default: "adaptive", allowed: ["adaptive", "fixed"],
        doc: "how the ingest pipeline groups commits: adaptive (lingers only while it pays) or fixed (a 5 ms linger, for comparison)")
    static let groupCommitDelayFactor = ConfigSetting.number("database.group_commit_delay_factor", default: 3, range: 0...10,
        doc: "adaptive group commit: longest linger as a multiple of the average commit time (capped at 5 ms)")
    static let groupCommitSiblings = ConfigSetting.integer("database.group_commit_siblings", default: 4, range: 1...10_000,
        doc: "adaptive group commit: concurrent writers needed before the writer lingers")
    static let sqlitePath = ConfigSetting.text("database.sqlite.path", default: "data/churnguard.sqlite", doc: "the embedded database file (created 0600)", aliases: ["SQLITE_PATH"])
    static let timescaleURL = ConfigSetting.optionalText("database.timescaledb.url", doc: "postgresql:// URL (libpq sslmode/sslrootcert parameters); overrides the fields below",
        aliases: ["TIMESCALEDB_URL"], secret: true)
    static let timescaleHost = ConfigSetting.text("database.timescaledb.host", default: "localhost", doc: "PostgreSQL host")
    static let timescalePort = ConfigSetting.integer("database.timescaledb.port", default: 5432, range: 1...65_535, doc: "PostgreSQL port")
    static let timescaleDatabase = ConfigSetting.text("database.timescaledb.database", default: "analytics_db", doc: "PostgreSQL database")
    static let timescaleUsername = ConfigSetting.text("database.timescaledb.username", default: "analytics_user", doc: "PostgreSQL role (an ordinary role that owns the schema)")
    static let timescalePassword = ConfigSetting.optionalText("database.timescaledb.password", doc: "PostgreSQL password", secret: true)
    static let timescaleSSLMode = ConfigSetting.choice("database.timescaledb.ssl_mode", default: "prefer",
        allowed: ["disable", "allow", "prefer", "require", "verify-ca", "verify-full"], doc: "libpq's sslmode; use verify-full in production")
    static let timescaleRootCert = ConfigSetting.optionalText("database.timescaledb.ssl_root_cert", doc: "PEM file of the CAs to trust (system store when empty)")
    static let influxURL = ConfigSetting.text("database.influxdb.url", default: "http://localhost:8086", doc: "InfluxDB address", aliases: ["INFLUXDB_URL"], pending: influx)
    static let influxToken = ConfigSetting.optionalText("database.influxdb.token", doc: "InfluxDB token", aliases: ["INFLUXDB_TOKEN"], secret: true, pending: influx)
    static let influxOrg = ConfigSetting.text("database.influxdb.org", default: "churnguard", doc: "InfluxDB organization", aliases: ["INFLUXDB_ORG"], pending: influx)
    static let influxBucket = ConfigSetting.text("database.influxdb.bucket", default: "analytics", doc: "InfluxDB bucket", aliases: ["INFLUXDB_BUCKET"], pending: influx)

    // MARK: redis
    static let redisURL = ConfigSetting.optionalText("redis.url", doc: "redis:// URL; unset: in-process cache and event bus", aliases: ["REDIS_URL"], secret: true, pending: redis)
    static let redisPool = ConfigSetting.integer("redis.connection_pool_size", default: 10, range: 1...1000, doc: "Redis connections", pending: redis)
    static let redisTimeout = ConfigSetting.integer("redis.socket_timeout", default: 5, range: 1...3600, doc: "seconds per Redis command", pending: redis)
    static let redisRetry = ConfigSetting.flag("redis.retry_on_timeout", default: true, doc: "retry a Redis command once after a timeout", pending: redis)

    // MARK: real-time engine
    static let realtimeEnabled = ConfigSetting.flag("real_time_engine.enabled", default: true,
        doc: "run the real-time engine (live windows, alerts, the /ws/v1/stream feed); off: those routes answer from empty windows")
    static let maxPointsPerMetric = ConfigSetting.integer("real_time_engine.max_points_per_metric", default: 10_000, range: 10...10_000_000,
        doc: "points kept in each live series window", aliases: ["MAX_POINTS_PER_METRIC"])
    static let realtimeInterval = ConfigSetting.integer("real_time_engine.processing_interval_seconds", default: 1, range: 1...3600,
        doc: "seconds between statistics pushes to stream subscribers (and performance log lines)")
    static let realtimeCleanup = ConfigSetting.integer("real_time_engine.cleanup_interval_seconds", default: 300, range: 1...86_400,
        doc: "seconds between evictions of idle series (a series with no point for this long is evicted)")
    static let realtimeLogging = ConfigSetting.flag("real_time_engine.performance_logging", default: true, doc: "log the engine's throughput and cost each interval")
    static let realtimeMaxSeries = ConfigSetting.integer("real_time_engine.max_series_per_organization", default: 10_000, range: 1...10_000_000,
        doc: "live series one organization may have; points of further series are stored but not windowed (counted, and reported by the realtime route)")
    static let streamSendQueue = ConfigSetting.integer("real_time_engine.stream_send_queue", default: 1000, range: 1...1_000_000,
        doc: "messages one /ws/v1/stream connection may fall behind before it is closed (code 4008, slow consumer)")
    static let realtimeRebuildHorizon = ConfigSetting.integer("real_time_engine.rebuild_horizon_seconds", default: 86_400, range: 0...(366 * 86_400),
        doc: "at start-up, windows are rebuilt from each metric's points of this many seconds before its newest point")

    // MARK: aggregation
    static let maxWorkers = ConfigSetting.integer("data_aggregation.max_workers", default: 4, range: 1...64, doc: "concurrent rollup loops", aliases: ["ANALYTICS_MAX_WORKERS"])
    static let batchSize = ConfigSetting.integer("data_aggregation.batch_size", default: 1000, range: 1...1_000_000, doc: "points folded (or rows expired) per transaction")
    static let aggregationInterval = ConfigSetting.integer("data_aggregation.processing_interval_seconds", default: 60, range: 1...86_400, doc: "seconds between rollup runs")
    static let dimensions = ConfigSetting.list("data_aggregation.dimensions", default: RollupDimensions.defaultNames,
        doc: "tag keys also rolled up per value (hourly and daily; GET .../aggregates?group_by=, the anomaly monitor's segment series); see docs/AGGREGATION.md")
    static let maxDimensionValues = ConfigSetting.integer("data_aggregation.max_dimension_values", default: RollupDimensions.defaultMaxValues,
        range: 1...10_000, doc: "distinct values of each dimension one organization keeps apart (first come, in point order); later values are grouped as other")
    static let rawRetention = ConfigSetting.duration("data_aggregation.retention_policy.raw_data", default: 7 * 86_400,
        range: AppConfiguration.retentionRange, doc: "how long raw points are kept (once rolled up)")
    static let hourlyRetention = ConfigSetting.duration("data_aggregation.retention_policy.hourly_aggregates", default: 30 * 86_400,
        range: AppConfiguration.retentionRange, doc: "how long hourly rollups are kept")
    static let dailyRetention = ConfigSetting.duration("data_aggregation.retention_policy.daily_aggregates", default: 365 * 86_400,
        range: AppConfiguration.retentionRange, doc: "how long daily rollups are kept")

    // MARK: anomaly detection
    static let anomalyEnabled = ConfigSetting.flag("anomaly_detection.enabled", default: true, doc: "run the anomaly monitor (in the worker, and in serve unless --no-worker)", aliases: ["ANOMALY_DETECTION_ENABLED"])
    static let monitoringInterval = ConfigSetting.integer("anomaly_detection.monitoring_interval_seconds", default: 60, range: 1...86_400,
        doc: "seconds between anomaly monitor runs", aliases: ["ANALYTICS_MONITORING_INTERVAL"])
    static let sensitivity = ConfigSetting.number("anomaly_detection.default_sensitivity", default: DetectionSettings.defaultSensitivity,
        range: 0.1...10, doc: "detector sensitivity: every threshold × sensitivity / 2, so higher flags fewer; the same default as churnguard detect")
    static let votingThreshold = ConfigSetting.integer("anomaly_detection.ensemble_voting_threshold", default: 2, range: 1...6, doc: "methods that must agree")
    static let statisticalEnabled = ConfigSetting.flag("anomaly_detection.methods.statistical.enabled", default: true,
        doc: "use the statistical detectors (z-score, MAD, IQR, seasonal baseline, regime)")
    static let statisticalMethod = ConfigSetting.choice("anomaly_detection.methods.statistical.default_method", default: "zscore",
        allowed: ["zscore", "mad", "iqr", "seasonal"], doc: "the statistical detector", pending: monitorOneMethod)
    static let forestEnabled = ConfigSetting.flag("anomaly_detection.methods.isolation_forest.enabled",
        default: EnsembleDetector.defaultMethods.contains(.isolationForest),
        doc: "use Isolation Forest; off by default, as in churnguard detect (leaving it out scored higher when cross-validated)")
    static let contamination = ConfigSetting.number("anomaly_detection.methods.isolation_forest.contamination", default: 0.1, range: 0...0.5,
        doc: "expected share of anomalies", pending: monitorContamination)
    static let minHistory = ConfigSetting.integer("anomaly_detection.min_history_points", default: DetectionSettings().minimumHistory,
        range: 2...DetectionSettings().window,
        doc: "low-volume gate: a series (or segment, in hours) is scored only once it holds this many points; before that its points are history only (the same default as churnguard detect); at most the detection window, whose count it is compared with")
    static let lofEnabled = ConfigSetting.flag("anomaly_detection.methods.local_outlier_factor.enabled", default: true, doc: "use Local Outlier Factor")
    static let neighbors = ConfigSetting.integer("anomaly_detection.methods.local_outlier_factor.n_neighbors", default: 20, range: 1...1000,
        doc: "LOF neighbours")

    // MARK: insights and recommendations
    static let insightsEnabled = ConfigSetting.flag("insights.enabled", default: true, doc: "generate insights (docs/INSIGHTS.md)", aliases: ["INSIGHTS_GENERATION_ENABLED"])
    static let maxInsights = ConfigSetting.integer("insights.max_insights_per_org", default: 100, range: 1...100_000, doc: "insights kept per organization",
        aliases: ["MAX_INSIGHTS_PER_ORG"])
    static let insightConfidence = ConfigSetting.number("insights.confidence_threshold", default: 0.6, range: 0...1, doc: "least confidence of an insight stored and shown")
    static let insightTTL = ConfigSetting.integer("insights.cache_ttl_seconds", default: 300, range: 0...86_400, doc: "seconds insight listings are cached (0: no cache)",
        aliases: ["ANALYTICS_CACHE_TTL"])
    static let templates = ConfigSetting.text("insights.narrative_templates", default: "templates/insights/", doc: "folder of the narrative templates, one <kind>.mustache per kind, checked at start-up")
    static let recommendationsEnabled = ConfigSetting.flag("recommendations.enabled", default: true,
        doc: "run the recommendation engine in the worker after insight runs and periodically (the API stays; docs/RECOMMENDATIONS.md)",
        aliases: ["RECOMMENDATIONS_ENABLED"])
    static let maxRecommendations = ConfigSetting.integer("recommendations.max_recommendations", default: 50, range: 1...100_000,
        doc: "open recommendations kept per organization, highest expected value first", aliases: ["MAX_RECOMMENDATIONS"])
    static let recommendationConfidence = ConfigSetting.number("recommendations.confidence_threshold", default: 0.5, range: 0...1,
        doc: "least confidence of a recommendation stored and shown (the rule's combined with its insights', docs/RECOMMENDATIONS.md)")
    static let roi = ConfigSetting.flag("recommendations.roi_calculation_enabled", default: true,
        doc: "estimate revenue at risk, saved revenue, cost and ROI per recommendation (off: ranked by confidence, roi null)")
    static let rules = ConfigSetting.text("recommendations.business_rules", default: "rules/recommendations.json",
        doc: "the business rules file, checked against rules/recommendations.schema.json at start-up")

    // MARK: api
    static let host = ConfigSetting.text("api.host", default: "0.0.0.0", doc: "address to listen on", aliases: ["API_HOST"])
    static let port = ConfigSetting.integer("api.port", default: 8000, range: 0...65_535, doc: "port to listen on (0: any free port)", aliases: ["API_PORT"])
    static let workers = ConfigSetting.integer("api.workers", default: 4, range: 1...256, doc: "worker processes (one process uses every core; run replicas instead)",
        pending: "multi-process serving")
    static let requestTimeout = ConfigSetting.integer("api.timeout", default: 60, range: 1...3600, doc: "seconds a request may take", pending: "request timeouts")
    static let corsOrigins = ConfigSetting.list("api.cors_origins", default: [],
        doc: "origins browsers may call the API from, exactly as sent (https://app.example.com); * for any; none by default", aliases: ["CORS_ORIGINS"])
    static let trustedHosts = ConfigSetting.list("api.trusted_hosts", default: [],
        doc: "Host names the service answers to (example.com, *.example.com); others get 400; empty: any (probes are always answered)")
    static let apiKeyHeader = ConfigSetting.text("api.api_key_header", default: "X-API-Key", doc: "header carrying the API key", aliases: ["API_KEY_HEADER"])
    static let maxBodyBytes = ConfigSetting.integer("api.max_body_bytes", default: 16 * 1024 * 1024, range: 1024...(1 << 30), doc: "largest request body (413 beyond)")
    static let maxBatchPoints = ConfigSetting.integer("api.max_batch_points", default: 10_000, range: 1...1_000_000, doc: "most points per request (422 beyond)")
    static let idleTimeout = ConfigSetting.number("api.idle_timeout_seconds", default: 60, range: 0.1...86_400,
        doc: "seconds a connection with no request in flight stays open")
    static let headerReadTimeout = ConfigSetting.number("api.header_read_timeout_seconds", default: 10, range: 0.1...3600,
        doc: "seconds a request head may take from the connection's (or its first byte's) arrival")
    static let bodyReadTimeout = ConfigSetting.number("api.body_read_timeout_seconds", default: 30, range: 0.1...86_400,
        doc: "seconds a request body may take after its head")
    static let maxPointAge = ConfigSetting.optionalDuration("api.max_point_age", range: AppConfiguration.retentionRange,
        doc: "oldest accepted point, back from now; unset: 3650d, or 365d on timescaledb")
    static let maxPointFuture = ConfigSetting.duration("api.max_point_future", default: 86_400, range: 60...(36_500 * 86_400),
        doc: "furthest accepted point, ahead of now")
    static let metricListCache = ConfigSetting.number("api.metric_list_cache_seconds", default: 2, range: 0...60,
        doc: "seconds an organization's metric list is served from memory; ingest through the same replica refreshes it at once (0: always read)")
    static let idempotencyTTL = ConfigSetting.duration("api.idempotency_key_ttl", default: 86_400, range: 3600...(30 * 86_400),
        doc: "how long an Idempotency-Key of POST /api/v1/analytics/metrics is remembered (a retry after that stores again)")
    static let maxConcurrentQueries = ConfigSetting.integer("api.max_concurrent_queries_per_org", default: 4, range: 1...1000,
        doc: "reads one organization may run at once (429 beyond)")
    static let rateDefault = ConfigSetting.rate("api.rate_limits.default", default: ConfigRate(count: 1000, windowSeconds: 3600), doc: "requests per key of the default tier (per replica)")
    static let ratePremium = ConfigSetting.rate("api.rate_limits.premium", default: ConfigRate(count: 10_000, windowSeconds: 3600), doc: "requests per key of the premium tier (per replica)")
    static let rateEnterprise = ConfigSetting.rate("api.rate_limits.enterprise", default: ConfigRate(count: 100_000, windowSeconds: 3600),
        doc: "requests per key of the enterprise tier (per replica)")

    // MARK: security and logging
    static let jwtSecret = ConfigSetting.optionalText("security.jwt_secret_key",
        doc: "access-token signing secret, at least 32 bytes (openssl rand -hex 32); unset: a random one per process (tokens end with it)",
        aliases: ["JWT_SECRET_KEY"], secret: true)
    static let jwtPreviousSecret = ConfigSetting.optionalText("security.jwt_secret_key_previous",
        doc: "the former signing secret, still accepted for verification during a rotation", aliases: ["JWT_SECRET_KEY_PREVIOUS"], secret: true)
    static let tokenLifetime = ConfigSetting.integer("security.access_token_expire_seconds", default: 3600, range: 60...86_400,
        doc: "seconds an access token from POST /api/v1/auth/token lives")
    static let jwtIssuer = ConfigSetting.text("security.jwt_issuer", default: "churnguard", doc: "iss of issued tokens, required on presented ones")
    static let jwtAudience = ConfigSetting.text("security.jwt_audience", default: "churnguard-api", doc: "aud of issued tokens, required on presented ones")
    static let httpsRedirect = ConfigSetting.flag("security.https_redirect", default: false,
        doc: "redirect plain-HTTP requests to HTTPS (308); probes exempt")
    static let trustedProxies = ConfigSetting.list("security.trusted_proxies", default: ["127.0.0.1", "::1"],
        doc: "peers (IPs or CIDR blocks) whose X-Forwarded-Proto is believed")
    static let hstsMaxAge = ConfigSetting.integer("security.hsts_max_age_seconds", default: 31_536_000, range: 0...63_072_000,
        doc: "Strict-Transport-Security max-age on HTTPS answers (0: none)")
    static let keyCacheTTL = ConfigSetting.integer("security.key_cache_ttl_seconds", default: 30, range: 0...3600,
        doc: "seconds a verified API key is trusted without a database read: the longest a revocation made elsewhere takes (0: ask every time)")
    static let keyCacheSize = ConfigSetting.integer("security.key_cache_size", default: 10_000, range: 1...10_000_000,
        doc: "most verified API keys remembered")
    static let logLevel = ConfigSetting.choice("logging.level", default: "info", allowed: ["trace", "debug", "info", "notice", "warning", "error", "critical"],
        doc: "least severe level logged", aliases: ["LOG_LEVEL"])
    static let logFormat = ConfigSetting.choice("logging.format", default: "structured", allowed: ["structured", "text"], doc: "structured (one JSON object per line) or text (a readable line)")
    static let logFile = ConfigSetting.optionalText("logging.file", doc: "log file, rotated by size (standard error when unset)")
    static let logMaxSize = ConfigSetting.integer("logging.max_size_mb", default: 100, range: 1...100_000, doc: "log file size in MiB before rotation")
    static let logBackups = ConfigSetting.integer("logging.backup_count", default: 5, range: 0...1000, doc: "rotated log files kept (file.1 … file.N)")

    // MARK: monitoring and notifications
    static let monitoringEnabled = ConfigSetting.flag("monitoring.enabled", default: true, doc: "self-monitoring", aliases: ["ANALYTICS_MONITORING_ENABLED"], pending: observability)
    static let metricsEnabled = ConfigSetting.flag("monitoring.metrics_enabled", default: true, doc: "count Prometheus metrics and serve /metrics")
    static let metricsPort = ConfigSetting.integer("monitoring.metrics_port", default: 0, range: 0...65_535,
        doc: "serve /metrics on this port instead of the API's (0: on the API port); the worker serves it only here")
    static let healthInterval = ConfigSetting.integer("monitoring.health_check_interval", default: 30, range: 1...86_400, doc: "seconds between self-checks", pending: observability)
    static let performanceMonitoring = ConfigSetting.flag("monitoring.performance_monitoring", default: true, doc: "record request timings", pending: observability)
    static let alertOnErrors = ConfigSetting.flag("monitoring.alert_on_errors", default: true, doc: "send the service's own errors (logged at error or critical) to the default routes (SLACK_WEBHOOK_URL, ALERT_EMAIL_TO) as service.error, each error at most once an hour")
    static let smtpHost = ConfigSetting.optionalText("notifications.smtp.host", doc: "SMTP server for notification mail (unset: no email channel)", aliases: ["SMTP_HOST"])
    static let smtpPort = ConfigSetting.integer("notifications.smtp.port", default: 587, range: 1...65_535, doc: "SMTP port (587 submission, 465 with security tls, 25 relay)", aliases: ["SMTP_PORT"])
    static let smtpUser = ConfigSetting.optionalText("notifications.smtp.username", doc: "SMTP user for AUTH PLAIN or LOGIN (unset: no authentication)", aliases: ["SMTP_USERNAME"])
    static let smtpPassword = ConfigSetting.optionalText("notifications.smtp.password", doc: "SMTP password (sent only over TLS)", aliases: ["SMTP_PASSWORD"], secret: true)
    static let smtpSecurity = ConfigSetting.choice("notifications.smtp.security", default: "starttls", allowed: ["starttls", "starttls_required", "tls", "none"],
        doc: "starttls (upgrade when offered), starttls_required (refuse to send without it), tls (TLS from the start, port 465) or none (a local relay)")
    static let smtpCAFile = ConfigSetting.optionalText("notifications.smtp.ca_file", doc: "PEM file of the CAs to trust for the SMTP server (system store when unset)")
    static let slackWebhook = ConfigSetting.optionalText("notifications.slack_webhook_url", doc: "Slack incoming webhook: every organization's alert transitions go there unless it set its own routes", aliases: ["SLACK_WEBHOOK_URL"], secret: true)
    static let emailTo = ConfigSetting.list("notifications.email.to", default: [], doc: "default recipients of notification mail (comma-separated in the variable); with SMTP_HOST, every organization's alert transitions are mailed to them unless it set its own routes", aliases: ["ALERT_EMAIL_TO"])
    static let emailFrom = ConfigSetting.text("notifications.email.from", default: "churnguard@localhost", doc: "sender address of notification mail", aliases: ["ALERT_EMAIL_FROM"])
    static let secretsKey = ConfigSetting.optionalText("notifications.secrets_key", doc: "key (at least 32 bytes; openssl rand -hex 32) sealing the routes' Slack and webhook URLs and signing secrets in the database with AES-256-GCM; unset: stored as given", aliases: ["NOTIFICATION_SECRETS_KEY"], secret: true)
    static let dashboardURL = ConfigSetting.optionalText("notifications.dashboard_url", doc: "base address of the dashboard; messages link to the event's view under it (no links when unset)")
    static let notifySendTimeout = ConfigSetting.duration("notifications.send_timeout", default: 10, range: 1...300, doc: "longest wait for a channel to accept one message (HTTP request, each SMTP reply)")
    static let notifyGiveUp = ConfigSetting.duration("notifications.give_up_after", default: 86_400, range: 60...(30 * 86_400), doc: "a message still failing this long after it was queued is given up (state failed, listed by the API)")
    static let notifyDigestWindow = ConfigSetting.duration("notifications.digest_window", default: 60, range: 0...86_400, doc: "similar events (same rule and route) due within this window after one was sent go out as one digest")
    static let notifyKeepFinished = ConfigSetting.duration("notifications.keep_finished", default: 30 * 86_400, range: 3600...(365 * 86_400), doc: "delivered and failed messages are deleted this long after they finished (the deliveries listing goes back this far)")
    static let notifyRate = ConfigSetting.integer("notifications.rate_per_minute", default: 30, range: 1...10_000, doc: "most messages per minute per channel kind (slack, email, webhook); the rest wait and are grouped")

    /// Every declared key, in the order of the shipped YAML file.
    public static let all: [any AnyConfigSetting] = [
        debug,
        backend, poolSize, connectTimeout, queryTimeout, groupCommit, groupCommitDelayFactor, groupCommitSiblings, sqlitePath,
        timescaleURL, timescaleHost, timescalePort, timescaleDatabase, timescaleUsername, timescalePassword, timescaleSSLMode, timescaleRootCert,
        influxURL, influxToken, influxOrg, influxBucket,
        redisURL, redisPool, redisTimeout, redisRetry,
        realtimeEnabled, maxPointsPerMetric, realtimeInterval, realtimeCleanup, realtimeLogging, realtimeMaxSeries, realtimeRebuildHorizon, streamSendQueue,
        maxWorkers, batchSize, aggregationInterval, dimensions, maxDimensionValues, rawRetention, hourlyRetention, dailyRetention,
        anomalyEnabled, monitoringInterval, sensitivity, votingThreshold, statisticalEnabled, statisticalMethod,
        forestEnabled, contamination, lofEnabled, neighbors, minHistory,
        insightsEnabled, maxInsights, insightConfidence, insightTTL, templates,
        recommendationsEnabled, maxRecommendations, recommendationConfidence, roi, rules,
        host, port, workers, requestTimeout, corsOrigins, trustedHosts, apiKeyHeader, maxBodyBytes, maxBatchPoints,
        idleTimeout, headerReadTimeout, bodyReadTimeout,
        maxPointAge, maxPointFuture, metricListCache, idempotencyTTL, maxConcurrentQueries, rateDefault, ratePremium, rateEnterprise,
        jwtSecret, jwtPreviousSecret, tokenLifetime, jwtIssuer, jwtAudience, httpsRedirect, trustedProxies, hstsMaxAge,
        keyCacheTTL, keyCacheSize, logLevel, logFormat, logFile, logMaxSize, logBackups,
        monitoringEnabled, metricsEnabled, metricsPort, healthInterval, performanceMonitoring, alertOnErrors,
        smtpHost, smtpPort, smtpUser, smtpPassword, smtpSecurity, smtpCAFile, slackWebhook, emailTo, emailFrom, secretsKey, dashboardURL,
        notifySendTimeout, notifyGiveUp, notifyDigestWindow, notifyRate, notifyKeepFinished,
    ]

    /// Sections whose keys are free-form, with the YAML shipped for them.
    static let freeForm: [(prefix: String, doc: String, yaml: [String])] = [
        ("real_time_engine.alert_thresholds", "every organization's default alert rules (ids default.<metric>), one entry per metric: above or below, severity, optional for (e.g. 5m) and hysteresis; see docs/REALTIME.md",
         ["churn_risk_score:", "  above: 0.8", "  severity: \"high\"", "customer_activity:", "  below: 50", "  severity: \"medium\""]),
    ]

    static let byPath: [String: any AnyConfigSetting] = Dictionary(uniqueKeysWithValues: all.map { ($0.path, $0) })

    /// Whether `path` is a declared key or lies in a free-form section.
    static func isKnown(_ path: String) -> Bool {
        byPath[path] != nil || freeForm.contains { path.hasPrefix($0.prefix + ".") }
    }

    /// Whether `path` is a free-form section or lies in one.
    static func isFreeForm(_ path: String) -> Bool {
        freeForm.contains { path == $0.prefix || path.hasPrefix($0.prefix + ".") }
    }
}
