extension PostgresMigrations {
    /// Part of migration 10, as on SQLite: the level of stored anomalies and watched series
    /// (rows stored before are customer-level) and the links between levels. The tables keep
    /// their row-level security.
    static let anomalyLevels = [
        "ALTER TABLE anomalies ADD COLUMN level TEXT NOT NULL DEFAULT 'customer'",
        "ALTER TABLE anomalies ADD COLUMN parent_id TEXT",
        "ALTER TABLE anomalies ADD COLUMN related_ids TEXT NOT NULL DEFAULT ''",
        "ALTER TABLE anomaly_series ADD COLUMN level TEXT NOT NULL DEFAULT 'customer'",
    ]
}
