extension SQLiteMigrations {
    /// Migration 11: the anomaly monitors' leases, how several monitors on one database split
    /// the watched series (see `AnomalyLeaseStore`): one row per leased bucket (its holder and
    /// the lease's end) and one per live monitor (its registration's end). Times are integer
    /// microseconds since the epoch.
    static let anomalyLeasesSQL = """
        CREATE TABLE anomaly_monitor_leases (
            bucket INTEGER PRIMARY KEY,
            owner TEXT NOT NULL,
            expires_at INTEGER NOT NULL
        );
        CREATE TABLE anomaly_monitors (
            owner TEXT PRIMARY KEY,
            expires_at INTEGER NOT NULL
        ) WITHOUT ROWID;
        """
}
