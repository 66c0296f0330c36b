extension SQLiteMigrations {
    /// Migration 4: alert rules, alerts and alert history (version 3 is API-key scopes).
    ///
    /// Times are integer microseconds since the epoch, tags JSON objects with sorted keys.
    /// The partial unique index keeps one open (pending or firing) alert per organization,
    /// rule and series, so a restarted evaluator continues the stored alert rather than
    /// opening a duplicate.
    static let alertsSQL = """
        CREATE TABLE alert_rules (
            organization_id TEXT NOT NULL,
            id TEXT NOT NULL,
            metric_name TEXT NOT NULL,
            condition TEXT NOT NULL,
            threshold REAL NOT NULL,
            severity TEXT NOT NULL,
            for_seconds INTEGER NOT NULL,
            hysteresis REAL,
            tag_filter TEXT NOT NULL DEFAULT '{}',
            enabled INTEGER NOT NULL,
            updated_at INTEGER NOT NULL,
            PRIMARY KEY (organization_id, id)
        ) WITHOUT ROWID;
        CREATE TABLE alerts (
            id TEXT PRIMARY KEY,
            organization_id TEXT NOT NULL,
            rule_id TEXT NOT NULL,
            series_key TEXT NOT NULL,
            metric_name TEXT NOT NULL,
            tags TEXT NOT NULL DEFAULT '{}',
            customer_id TEXT,
            severity TEXT NOT NULL,
            condition TEXT NOT NULL,
            threshold REAL NOT NULL,
            state TEXT NOT NULL,
            value REAL NOT NULL,
            started_at INTEGER NOT NULL,
            fired_at INTEGER,
            resolved_at INTEGER,
            acknowledged_at INTEGER,
            acknowledge_comment TEXT,
            snoozed_until INTEGER,
            updated_at INTEGER NOT NULL
        );
        CREATE UNIQUE INDEX idx_alerts_open ON alerts(organization_id, rule_id, series_key) WHERE state IN ('pending', 'firing');
        CREATE INDEX idx_alerts_org_updated ON alerts(organization_id, updated_at);
        CREATE TABLE alert_history (
            id INTEGER PRIMARY KEY,
            alert_id TEXT NOT NULL REFERENCES alerts(id),
            organization_id TEXT NOT NULL,
            at INTEGER NOT NULL,
            event TEXT NOT NULL,
            value REAL,
            comment TEXT,
            until INTEGER
        );
        CREATE INDEX idx_alert_history_alert ON alert_history(alert_id, id);
        """
}
