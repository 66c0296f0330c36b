extension PostgresMigrations {
    /// Migration 11: the anomaly monitors' leases, as on SQLite (one row per leased bucket, one
    /// per live monitor; times in integer microseconds). Leases span organizations, so they
    /// have no tenant: row-level security (enabled and forced, as on every table) shows them in
    /// the system scope only, never to a tenant's transaction.
    static let anomalyLeases = [
        """
        CREATE TABLE anomaly_monitor_leases (
            bucket INTEGER PRIMARY KEY,
            owner TEXT NOT NULL,
            expires_at BIGINT NOT NULL
        )
        """,
        """
        CREATE TABLE anomaly_monitors (
            owner TEXT PRIMARY KEY,
            expires_at BIGINT NOT NULL
        )
        """,
    ] + systemRowSecurity("anomaly_monitor_leases") + systemRowSecurity("anomaly_monitors")

    /// Row-level security for a table of system rows (no organization): visible and writable in
    /// the system scope only.
    static func systemRowSecurity(_ table: String) -> [String] {
        let predicate = "current_setting('churnguard.scope', true) = 'system'"
        return [
            "ALTER TABLE \(table) ENABLE ROW LEVEL SECURITY",
            "ALTER TABLE \(table) FORCE ROW LEVEL SECURITY",
            "CREATE POLICY system_only_policy ON \(table) USING (\(predicate)) WITH CHECK (\(predicate))",
        ]
    }
}
