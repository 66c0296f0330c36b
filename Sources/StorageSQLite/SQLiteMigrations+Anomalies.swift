extension SQLiteMigrations {
    /// Migration 6: stored anomalies and the anomaly monitor's per-series state (checkpoint,
    /// open event, feedback tuning). Times are integer microseconds since the epoch, tags JSON
    /// objects with sorted keys, method scores `method:score:vote` entries joined by `;`.
    static let anomaliesSQL = """
        CREATE TABLE anomalies (
            id TEXT PRIMARY KEY,
            organization_id TEXT NOT NULL,
            series_key TEXT NOT NULL,
            metric_name TEXT NOT NULL,
            tags TEXT NOT NULL DEFAULT '{}',
            started_at INTEGER NOT NULL,
            ended_at INTEGER NOT NULL,
            peak_at INTEGER NOT NULL,
            peak_value REAL NOT NULL,
            expected_value REAL,
            expected_low REAL,
            expected_high REAL,
            score REAL NOT NULL,
            severity TEXT NOT NULL,
            anomalous_points INTEGER NOT NULL,
            methods TEXT NOT NULL,
            explanation TEXT NOT NULL,
            status TEXT NOT NULL,
            feedback_comment TEXT,
            feedback_at INTEGER,
            detected_at INTEGER NOT NULL,
            updated_at INTEGER NOT NULL
        );
        CREATE INDEX idx_anomalies_org_started ON anomalies(organization_id, started_at, id);
        CREATE INDEX idx_anomalies_org_metric ON anomalies(organization_id, metric_name, started_at);
        CREATE TABLE anomaly_series (
            organization_id TEXT NOT NULL,
            series_key TEXT NOT NULL,
            metric_name TEXT NOT NULL,
            tags TEXT NOT NULL DEFAULT '{}',
            checkpoint_time INTEGER,
            checkpoint_sequence INTEGER,
            open_anomaly_id TEXT,
            quiet_rows INTEGER NOT NULL DEFAULT 0,
            sensitivity_factor REAL NOT NULL DEFAULT 1,
            baseline_from INTEGER,
            updated_at INTEGER NOT NULL,
            PRIMARY KEY (organization_id, series_key)
        ) WITHOUT ROWID;
        CREATE INDEX idx_anomaly_series_metric ON anomaly_series(organization_id, metric_name);
        """
}
