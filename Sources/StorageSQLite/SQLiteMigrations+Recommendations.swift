extension SQLiteMigrations {
    /// Migration 9: recommendations.
    ///
    /// One row per organization, rule and target (`target_key`, ``RecommendationTarget/key``),
    /// so a rerun updates instead of repeating. The recommendation itself is one JSON document
    /// (`document`, the same on every backend); the columns beside it are what listings filter
    /// and sort on. Times are integer microseconds since the epoch.
    static let recommendationsSQL = """
        CREATE TABLE recommendations (
            id TEXT PRIMARY KEY,
            organization_id TEXT NOT NULL,
            rule_id TEXT NOT NULL,
            target_key TEXT NOT NULL,
            category TEXT NOT NULL,
            status TEXT NOT NULL,
            expected_value REAL NOT NULL,
            confidence REAL NOT NULL,
            updated_at INTEGER NOT NULL,
            document TEXT NOT NULL,
            UNIQUE (organization_id, rule_id, target_key)
        );
        CREATE INDEX idx_recommendations_org_rank ON recommendations(organization_id, expected_value);
        """
}
