extension SQLiteMigrations {
    /// Part of migration 10: the level of a stored anomaly and of a watched series (`customer`,
    /// `segment`, `organization`; rows stored before are customer-level) and the links between
    /// levels: `parent_id` (the wider anomaly this one is part of) and `related_ids` (the
    /// narrower ones inside it, comma-separated ids).
    static let anomalyLevelsSQL = """
        ALTER TABLE anomalies ADD COLUMN level TEXT NOT NULL DEFAULT 'customer';
        ALTER TABLE anomalies ADD COLUMN parent_id TEXT;
        ALTER TABLE anomalies ADD COLUMN related_ids TEXT NOT NULL DEFAULT '';
        ALTER TABLE anomaly_series ADD COLUMN level TEXT NOT NULL DEFAULT 'customer';
        """
}
