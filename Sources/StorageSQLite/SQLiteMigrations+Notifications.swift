extension SQLiteMigrations {
    /// Migration 7: notification routes and the outbox (version 6 belongs to another feature;
    /// migrations are applied by what is missing, not by the highest number, so either may
    /// land first).
    ///
    /// `notification_route_sets` marks organizations that set their own routes (an empty set
    /// turns their notifications off; without a row the configuration's defaults apply). The
    /// outbox's unique key is the organization's idempotency key (event and route); the due
    /// index covers the delivery service's lease query.
    static let notificationsSQL = """
        CREATE TABLE notification_route_sets (
            organization_id TEXT PRIMARY KEY,
            updated_at INTEGER NOT NULL
        ) WITHOUT ROWID;
        CREATE TABLE notification_routes (
            organization_id TEXT NOT NULL,
            id TEXT NOT NULL,
            channel TEXT NOT NULL,
            events TEXT NOT NULL,
            minimum_severity TEXT NOT NULL,
            url TEXT,
            email_to TEXT NOT NULL DEFAULT '',
            secret TEXT,
            enabled INTEGER NOT NULL,
            updated_at INTEGER NOT NULL,
            PRIMARY KEY (organization_id, id)
        ) WITHOUT ROWID;
        CREATE TABLE notification_outbox (
            id TEXT PRIMARY KEY,
            organization_id TEXT NOT NULL,
            idempotency_key TEXT NOT NULL,
            route_id TEXT NOT NULL,
            channel TEXT NOT NULL,
            event TEXT NOT NULL,
            state TEXT NOT NULL,
            attempts INTEGER NOT NULL,
            next_attempt_at INTEGER NOT NULL,
            created_at INTEGER NOT NULL,
            finished_at INTEGER,
            last_error TEXT,
            lease_owner TEXT,
            lease_expires_at INTEGER
        );
        CREATE UNIQUE INDEX idx_notification_outbox_key ON notification_outbox(organization_id, idempotency_key);
        CREATE INDEX idx_notification_outbox_due ON notification_outbox(next_attempt_at) WHERE state = 'pending';
        CREATE INDEX idx_notification_outbox_org ON notification_outbox(organization_id, created_at);
        CREATE INDEX idx_notification_outbox_finished ON notification_outbox(finished_at) WHERE state <> 'pending';
        """
}
