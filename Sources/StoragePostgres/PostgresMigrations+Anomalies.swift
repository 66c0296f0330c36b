extension PostgresMigrations {
    /// Migration 6: stored anomalies and the anomaly monitor's per-series state, under
    /// row-level security. Times are integer microseconds since the epoch, tags JSON text with
    /// sorted keys, method scores `method:score:vote` entries joined by `;`, as on SQLite.
    static let anomalies = [
        """
        CREATE TABLE anomalies (
            id TEXT PRIMARY KEY,
            organization_id UUID NOT NULL,
            series_key TEXT NOT NULL,
            metric_name TEXT NOT NULL,
            tags TEXT NOT NULL DEFAULT '{}',
            started_at BIGINT NOT NULL,
            ended_at BIGINT NOT NULL,
            peak_at BIGINT NOT NULL,
            peak_value DOUBLE PRECISION NOT NULL,
            expected_value DOUBLE PRECISION,
            expected_low DOUBLE PRECISION,
            expected_high DOUBLE PRECISION,
            score DOUBLE PRECISION NOT NULL,
            severity TEXT NOT NULL,
            anomalous_points INTEGER NOT NULL,
            methods TEXT NOT NULL,
            explanation TEXT NOT NULL,
            status TEXT NOT NULL,
            feedback_comment TEXT,
            feedback_at BIGINT,
            detected_at BIGINT NOT NULL,
            updated_at BIGINT NOT NULL
        )
        """,
        "CREATE INDEX idx_anomalies_org_started ON anomalies (organization_id, started_at DESC, id COLLATE \"C\" DESC)",
        "CREATE INDEX idx_anomalies_org_metric ON anomalies (organization_id, metric_name, started_at)",
        """
        CREATE TABLE anomaly_series (
            organization_id UUID NOT NULL,
            series_key TEXT NOT NULL,
            metric_name TEXT NOT NULL,
            tags TEXT NOT NULL DEFAULT '{}',
            checkpoint_time BIGINT,
            checkpoint_sequence BIGINT,
            open_anomaly_id TEXT,
            quiet_rows INTEGER NOT NULL DEFAULT 0,
            sensitivity_factor DOUBLE PRECISION NOT NULL DEFAULT 1,
            baseline_from BIGINT,
            updated_at BIGINT NOT NULL,
            PRIMARY KEY (organization_id, series_key)
        )
        """,
        "CREATE INDEX idx_anomaly_series_metric ON anomaly_series (organization_id, metric_name)",
    ] + rowSecurity("anomalies") + rowSecurity("anomaly_series")
}
