extension SQLiteMigrations {
    /// Migration 13: the pacing every delivery worker on this database shares — when each
    /// group of each route was last sent (its digest window) and each channel kind's token
    /// bucket (its rate). Times are integer microseconds.
    static let notificationPacingSQL = """
        CREATE TABLE notification_digest_marks (
            organization_id TEXT NOT NULL,
            route_id TEXT NOT NULL,
            group_key TEXT NOT NULL,
            last_sent_at INTEGER NOT NULL,
            PRIMARY KEY (organization_id, route_id, group_key)
        ) WITHOUT ROWID;
        CREATE INDEX idx_notification_digest_marks_sent ON notification_digest_marks(last_sent_at);
        CREATE TABLE notification_rate_buckets (
            channel TEXT PRIMARY KEY,
            tokens REAL NOT NULL,
            refilled_at INTEGER NOT NULL
        ) WITHOUT ROWID;
        """
}
