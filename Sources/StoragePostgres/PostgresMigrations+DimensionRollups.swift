extension PostgresMigrations {
    /// Migration 10: the dimension rollups and the values admitted per organization and
    /// dimension, as on SQLite (9 is another feature's), under row-level security. The same in
    /// both storage modes: these are plain tables beside the per-metric rollups (TimescaleDB's
    /// continuous aggregates are refused on tables with row-level security, docs/POSTGRES.md).
    /// Group values use the "C" collation, so `?group_by=` orders them bytewise, as SQLite does.
    static let dimensionRollups = ["hourly_dimension_metrics", "daily_dimension_metrics"].flatMap { table in
        [
            """
            CREATE TABLE \(table) (
                organization_id UUID NOT NULL,
                metric_name TEXT NOT NULL,
                dimension TEXT NOT NULL,
                dimension_value TEXT COLLATE "C" NOT NULL,
                bucket BIGINT NOT NULL,
                count BIGINT NOT NULL,
                sum_value DOUBLE PRECISION NOT NULL,
                avg_value DOUBLE PRECISION NOT NULL,
                m2_value DOUBLE PRECISION NOT NULL,
                min_value DOUBLE PRECISION NOT NULL,
                max_value DOUBLE PRECISION NOT NULL,
                updated_at TIMESTAMPTZ NOT NULL DEFAULT now(),
                PRIMARY KEY (organization_id, metric_name, dimension, dimension_value, bucket)
            )
            """,
            "CREATE INDEX idx_\(table)_bucket ON \(table) (bucket)",
        ] + rowSecurity(table)
    } + [
        """
        CREATE TABLE rollup_dimension_values (
            organization_id UUID NOT NULL,
            dimension TEXT NOT NULL,
            dimension_value TEXT NOT NULL,
            admitted_at TIMESTAMPTZ NOT NULL DEFAULT now(),
            PRIMARY KEY (organization_id, dimension, dimension_value)
        )
        """,
    ] + rowSecurity("rollup_dimension_values")
}
