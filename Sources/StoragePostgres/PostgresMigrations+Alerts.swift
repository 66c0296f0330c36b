extension PostgresMigrations {
    /// Migration 4: alert rules, alerts and alert history, under row-level security (version 3
    /// is API-key scopes). Times are integer microseconds since the epoch, tags JSON text with
    /// sorted keys, as on SQLite. The partial unique index keeps one open alert per
    /// organization, rule and series.
    static let alerts = [
        """
        CREATE TABLE alert_rules (
            organization_id UUID NOT NULL,
            id TEXT NOT NULL,
            metric_name TEXT NOT NULL,
            condition TEXT NOT NULL,
            threshold DOUBLE PRECISION NOT NULL,
            severity TEXT NOT NULL,
            for_seconds BIGINT NOT NULL,
            hysteresis DOUBLE PRECISION,
            tag_filter TEXT NOT NULL DEFAULT '{}',
            enabled BOOLEAN NOT NULL,
            updated_at BIGINT NOT NULL,
            PRIMARY KEY (organization_id, id)
        )
        """,
        """
        CREATE TABLE alerts (
            id TEXT PRIMARY KEY,
            organization_id UUID NOT NULL,
            rule_id TEXT NOT NULL,
            series_key TEXT NOT NULL,
            metric_name TEXT NOT NULL,
            tags TEXT NOT NULL DEFAULT '{}',
            customer_id TEXT,
            severity TEXT NOT NULL,
            condition TEXT NOT NULL,
            threshold DOUBLE PRECISION NOT NULL,
            state TEXT NOT NULL,
            value DOUBLE PRECISION NOT NULL,
            started_at BIGINT NOT NULL,
            fired_at BIGINT,
            resolved_at BIGINT,
            acknowledged_at BIGINT,
            acknowledge_comment TEXT,
            snoozed_until BIGINT,
            updated_at BIGINT NOT NULL
        )
        """,
        "CREATE UNIQUE INDEX idx_alerts_open ON alerts (organization_id, rule_id, series_key) WHERE state IN ('pending', 'firing')",
        "CREATE INDEX idx_alerts_org_updated ON alerts (organization_id, updated_at DESC)",
        """
        CREATE TABLE alert_history (
            id BIGSERIAL PRIMARY KEY,
            alert_id TEXT NOT NULL REFERENCES alerts(id),
            organization_id UUID NOT NULL,
            at BIGINT NOT NULL,
            event TEXT NOT NULL,
            value DOUBLE PRECISION,
            comment TEXT,
            until BIGINT
        )
        """,
        "CREATE INDEX idx_alert_history_alert ON alert_history (alert_id, id)",
    ] + rowSecurity("alert_rules") + rowSecurity("alerts") + rowSecurity("alert_history")
}
