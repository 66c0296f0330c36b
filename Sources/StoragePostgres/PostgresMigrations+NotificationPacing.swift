extension PostgresMigrations {
    /// Migration 13: the pacing every delivery worker on this database shares — when each
    /// group of each route was last sent (its digest window; per organization, under row-level
    /// security) and each channel kind's token bucket (its rate; one row per channel kind,
    /// used in the system scope only). Times are integer microseconds.
    static let notificationPacing = [
        """
        CREATE TABLE notification_digest_marks (
            organization_id UUID NOT NULL,
            route_id TEXT NOT NULL,
            group_key TEXT NOT NULL,
            last_sent_at BIGINT NOT NULL,
            PRIMARY KEY (organization_id, route_id, group_key)
        )
        """,
        "CREATE INDEX idx_notification_digest_marks_sent ON notification_digest_marks (last_sent_at)",
        """
        CREATE TABLE notification_rate_buckets (
            channel TEXT PRIMARY KEY,
            tokens DOUBLE PRECISION NOT NULL,
            refilled_at BIGINT NOT NULL
        )
        """,
    ] + rowSecurity("notification_digest_marks")
}
