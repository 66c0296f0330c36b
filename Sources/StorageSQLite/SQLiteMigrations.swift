/// The SQLite schema, as numbered migrations applied in order, each in its own transaction.
///
/// Names follow the deployment guide (`time_series_data`, `idx_ts_metric_org_time`,
/// `idx_ts_org_time`). Timestamps are integer microseconds since the epoch (UTC), tags a
/// JSON object with sorted keys. `metric_catalog` keeps per-series counts and bounds, so
/// listing metrics costs one row per metric instead of a scan.
enum SQLiteMigrations {
    struct Migration {
        let version: Int
        let name: String
        let sql: String
    }

    static let all: [Migration] = [
        Migration(version: 1, name: "organizations, api_keys, time_series_data, metric_catalog", sql: """
            CREATE TABLE organizations (
                id TEXT PRIMARY KEY,
                name TEXT NOT NULL UNIQUE,
                tier TEXT NOT NULL,
                created_at INTEGER NOT NULL
            );
            CREATE TABLE api_keys (
                id TEXT PRIMARY KEY,
                organization_id TEXT NOT NULL REFERENCES organizations(id),
                key_hash BLOB NOT NULL,
                tier TEXT NOT NULL,
                name TEXT,
                created_at INTEGER NOT NULL,
                revoked_at INTEGER
            );
            CREATE INDEX idx_api_keys_org ON api_keys(organization_id);
            CREATE TABLE time_series_data (
                id INTEGER PRIMARY KEY,
                timestamp INTEGER NOT NULL,
                metric_name TEXT NOT NULL,
                organization_id TEXT NOT NULL,
                value REAL NOT NULL,
                tags TEXT NOT NULL DEFAULT '{}',
                metadata TEXT,
                created_at INTEGER NOT NULL
            );
            CREATE INDEX idx_ts_metric_org_time ON time_series_data(organization_id, metric_name, timestamp);
            CREATE INDEX idx_ts_org_time ON time_series_data(organization_id, timestamp);
            CREATE TABLE metric_catalog (
                organization_id TEXT NOT NULL,
                metric_name TEXT NOT NULL,
                points INTEGER NOT NULL,
                first_timestamp INTEGER NOT NULL,
                last_timestamp INTEGER NOT NULL,
                PRIMARY KEY (organization_id, metric_name)
            ) WITHOUT ROWID;
            """),
        Migration(version: 2, name: "hourly_metrics, daily_metrics, rollup_state", sql: rollupsSQL),
        // Keys made before scopes existed keep full access.
        Migration(version: 3, name: "api_keys.scopes", sql: """
            ALTER TABLE api_keys ADD COLUMN scopes TEXT NOT NULL DEFAULT 'ingest,read,admin';
            """),
        Migration(version: 4, name: "alert_rules, alerts, alert_history", sql: alertsSQL),
        Migration(version: 5, name: "ingest_idempotency", sql: """
            CREATE TABLE ingest_idempotency (
                organization_id TEXT NOT NULL,
                idempotency_key TEXT NOT NULL,
                body_hash BLOB NOT NULL,
                accepted INTEGER NOT NULL,
                created_at INTEGER NOT NULL,
                PRIMARY KEY (organization_id, idempotency_key)
            ) WITHOUT ROWID;
            CREATE INDEX idx_ingest_idempotency_created ON ingest_idempotency(created_at);
            """),
        Migration(version: 6, name: "anomalies, anomaly_series", sql: anomaliesSQL),
        Migration(version: 7, name: "notification_route_sets, notification_routes, notification_outbox", sql: notificationsSQL),
        Migration(version: 8, name: "insights", sql: insightsSQL),
        Migration(version: 9, name: "recommendations", sql: recommendationsSQL),
        Migration(version: 10, name: "hourly_dimension_metrics, daily_dimension_metrics, rollup_dimension_values, anomaly levels",
                  sql: dimensionRollupsSQL + "\n" + anomalyLevelsSQL),
        Migration(version: 11, name: "anomaly_monitor_leases, anomaly_monitors", sql: anomalyLeasesSQL),
        Migration(version: 12, name: "notification_routes.minimum_value",
                  sql: "ALTER TABLE notification_routes ADD COLUMN minimum_value REAL;"),
        Migration(version: 13, name: "notification_digest_marks, notification_rate_buckets", sql: notificationPacingSQL),
    ]
}
