extension PostgresMigrations {
    /// Migration 7: notification routes and the outbox, under row-level security (version 6
    /// belongs to another feature; the migrator applies whatever is missing, so either may
    /// land first). Times are integer microseconds, as on SQLite. The delivery service leases
    /// across organizations in the system scope (`FOR UPDATE SKIP LOCKED`).
    static let notifications = [
        """
        CREATE TABLE notification_route_sets (
            organization_id UUID PRIMARY KEY,
            updated_at BIGINT NOT NULL
        )
        """,
        """
        CREATE TABLE notification_routes (
            organization_id UUID NOT NULL,
            id TEXT NOT NULL,
            channel TEXT NOT NULL,
            events TEXT NOT NULL,
            minimum_severity TEXT NOT NULL,
            url TEXT,
            email_to TEXT NOT NULL DEFAULT '',
            secret TEXT,
            enabled BOOLEAN NOT NULL,
            updated_at BIGINT NOT NULL,
            PRIMARY KEY (organization_id, id)
        )
        """,
        """
        CREATE TABLE notification_outbox (
            id TEXT PRIMARY KEY,
            organization_id UUID NOT NULL,
            idempotency_key TEXT NOT NULL,
            route_id TEXT NOT NULL,
            channel TEXT NOT NULL,
            event TEXT NOT NULL,
            state TEXT NOT NULL,
            attempts INTEGER NOT NULL,
            next_attempt_at BIGINT NOT NULL,
            created_at BIGINT NOT NULL,
            finished_at BIGINT,
            last_error TEXT,
            lease_owner TEXT,
            lease_expires_at BIGINT
        )
        """,
        "CREATE UNIQUE INDEX idx_notification_outbox_key ON notification_outbox (organization_id, idempotency_key)",
        "CREATE INDEX idx_notification_outbox_due ON notification_outbox (next_attempt_at) WHERE state = 'pending'",
        "CREATE INDEX idx_notification_outbox_org ON notification_outbox (organization_id, created_at DESC)",
        "CREATE INDEX idx_notification_outbox_finished ON notification_outbox (finished_at) WHERE state <> 'pending'",
    ] + rowSecurity("notification_route_sets") + rowSecurity("notification_routes") + rowSecurity("notification_outbox")
}
