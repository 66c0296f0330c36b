extension SQLiteMigrations {
    /// Migration 10: the dimension rollups (per organization, metric, dimension tag and group
    /// value, hourly and daily, the same mergeable summary as `hourly_metrics`) and the values
    /// admitted per organization and dimension (the cap's memory: later values go to `other`).
    ///
    /// The primary key's order serves `?group_by=` (one organization, metric and dimension,
    /// group by group, oldest first); the `bucket` indexes serve retention. The rows are folded
    /// by the same run, in the same transaction and under the same watermark as the per-metric
    /// rollups, so a database migrated with points already rolled up has dimension rows only
    /// for points folded from then on (docs/AGGREGATION.md).
    static let dimensionRollupsSQL = ["hourly_dimension_metrics", "daily_dimension_metrics"].map { table in
        """
        CREATE TABLE \(table) (
            organization_id TEXT NOT NULL,
            metric_name TEXT NOT NULL,
            dimension TEXT NOT NULL,
            dimension_value TEXT NOT NULL,
            bucket INTEGER NOT NULL,
            count INTEGER NOT NULL,
            sum_value REAL NOT NULL,
            avg_value REAL NOT NULL,
            m2_value REAL NOT NULL,
            min_value REAL NOT NULL,
            max_value REAL NOT NULL,
            updated_at INTEGER NOT NULL,
            PRIMARY KEY (organization_id, metric_name, dimension, dimension_value, bucket)
        ) WITHOUT ROWID;
        CREATE INDEX idx_\(table)_bucket ON \(table)(bucket);
        """
    }.joined(separator: "\n") + """

        CREATE TABLE rollup_dimension_values (
            organization_id TEXT NOT NULL,
            dimension TEXT NOT NULL,
            dimension_value TEXT NOT NULL,
            admitted_at INTEGER NOT NULL,
            PRIMARY KEY (organization_id, dimension, dimension_value)
        ) WITHOUT ROWID;
        """
}
