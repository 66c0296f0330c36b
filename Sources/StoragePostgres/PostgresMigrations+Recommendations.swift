extension PostgresMigrations {
    /// Migration 9: recommendations under row-level security. As on SQLite: one row per
    /// organization, rule and target, the recommendation as one JSON document (text) and the
    /// columns listings filter and sort on; times in integer microseconds.
    static let recommendations = [
        """
        CREATE TABLE recommendations (
            id TEXT PRIMARY KEY,
            organization_id UUID NOT NULL,
            rule_id TEXT NOT NULL,
            target_key TEXT NOT NULL,
            category TEXT NOT NULL,
            status TEXT NOT NULL,
            expected_value DOUBLE PRECISION NOT NULL,
            confidence DOUBLE PRECISION NOT NULL,
            updated_at BIGINT NOT NULL,
            document TEXT NOT NULL,
            UNIQUE (organization_id, rule_id, target_key)
        )
        """,
        "CREATE INDEX idx_recommendations_org_rank ON recommendations (organization_id, expected_value DESC)",
    ] + rowSecurity("recommendations")
}
