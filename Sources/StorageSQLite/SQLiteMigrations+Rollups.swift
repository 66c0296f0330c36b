extension SQLiteMigrations {
    /// Migration 2: the rollup tables (named after the deployment guide's `hourly_metrics`
    /// continuous aggregate, plus its daily sibling) and the rollup watermark.
    ///
    /// A row keeps the mergeable summary (`count`, `sum_value`, `avg_value` = running mean,
    /// `m2_value` = sum of squared deviations, `min_value`, `max_value`); the standard
    /// deviation is derived on read. The `bucket` indexes serve retention, which deletes by
    /// age across all series. `rollup_state.watermark` is the highest `time_series_data.id`
    /// folded in; it starts at 0, so a database migrated with points already stored rolls
    /// them up on the first run.
    static let rollupsSQL = """
        CREATE TABLE hourly_metrics (
            organization_id TEXT NOT NULL,
            metric_name TEXT NOT NULL,
            bucket INTEGER NOT NULL,
            count INTEGER NOT NULL,
            sum_value REAL NOT NULL,
            avg_value REAL NOT NULL,
            m2_value REAL NOT NULL,
            min_value REAL NOT NULL,
            max_value REAL NOT NULL,
            updated_at INTEGER NOT NULL,
            PRIMARY KEY (organization_id, metric_name, bucket)
        ) WITHOUT ROWID;
        CREATE INDEX idx_hourly_metrics_bucket ON hourly_metrics(bucket);
        CREATE TABLE daily_metrics (
            organization_id TEXT NOT NULL,
            metric_name TEXT NOT NULL,
            bucket INTEGER NOT NULL,
            count INTEGER NOT NULL,
            sum_value REAL NOT NULL,
            avg_value REAL NOT NULL,
            m2_value REAL NOT NULL,
            min_value REAL NOT NULL,
            max_value REAL NOT NULL,
            updated_at INTEGER NOT NULL,
            PRIMARY KEY (organization_id, metric_name, bucket)
        ) WITHOUT ROWID;
        CREATE INDEX idx_daily_metrics_bucket ON daily_metrics(bucket);
        CREATE TABLE rollup_state (
            id INTEGER PRIMARY KEY CHECK (id = 1),
            watermark INTEGER NOT NULL,
            updated_at INTEGER NOT NULL
        );
        INSERT INTO rollup_state (id, watermark, updated_at) VALUES (1, 0, 0);
        """
}
