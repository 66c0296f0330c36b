extension SQLiteMigrations {
    /// Migration 8: generated insights (6 and 7 are other features' state).
    ///
    /// One row per organization, kind, metric and segment (an insight without a segment has
    /// empty dimension and value), so a rerun updates instead of repeating. `rank_score` is
    /// severity weight × confidence × revenue factor, stored so listings sort in SQL. Times are
    /// integer microseconds since the epoch; `evidence` is a JSON object.
    static let insightsSQL = """
        CREATE TABLE insights (
            id TEXT PRIMARY KEY,
            organization_id TEXT NOT NULL,
            kind TEXT NOT NULL,
            metric_name TEXT NOT NULL,
            segment_dimension TEXT NOT NULL DEFAULT '',
            segment_value TEXT NOT NULL DEFAULT '',
            severity TEXT NOT NULL,
            severity_weight INTEGER NOT NULL,
            confidence REAL NOT NULL,
            rank_score REAL NOT NULL,
            title TEXT NOT NULL,
            narrative TEXT NOT NULL,
            evidence TEXT NOT NULL DEFAULT '{}',
            revenue_impact REAL,
            first_seen INTEGER NOT NULL,
            last_seen INTEGER NOT NULL,
            expires_at INTEGER NOT NULL,
            UNIQUE (organization_id, kind, metric_name, segment_dimension, segment_value)
        );
        CREATE INDEX idx_insights_org_rank ON insights(organization_id, rank_score);
        """
}
