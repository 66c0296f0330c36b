extension PostgresMigrations {
    /// Migration 8: generated insights under row-level security (6 and 7 are other features'
    /// state). As on SQLite: one row per organization, kind, metric and segment (empty
    /// dimension and value for none), `rank_score` for ordering, times in integer
    /// microseconds, `evidence` a JSON object as text.
    static let insights = [
        """
        CREATE TABLE insights (
            id TEXT PRIMARY KEY,
            organization_id UUID NOT NULL,
            kind TEXT NOT NULL,
            metric_name TEXT NOT NULL,
            segment_dimension TEXT NOT NULL DEFAULT '',
            segment_value TEXT NOT NULL DEFAULT '',
            severity TEXT NOT NULL,
            severity_weight INTEGER NOT NULL,
            confidence DOUBLE PRECISION NOT NULL,
            rank_score DOUBLE PRECISION NOT NULL,
            title TEXT NOT NULL,
            narrative TEXT NOT NULL,
            evidence TEXT NOT NULL DEFAULT '{}',
            revenue_impact DOUBLE PRECISION,
            first_seen BIGINT NOT NULL,
            last_seen BIGINT NOT NULL,
            expires_at BIGINT NOT NULL,
            UNIQUE (organization_id, kind, metric_name, segment_dimension, segment_value)
        )
        """,
        "CREATE INDEX idx_insights_org_rank ON insights (organization_id, rank_score DESC)",
    ] + rowSecurity("insights")
}
