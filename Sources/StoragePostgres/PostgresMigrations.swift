/// The PostgreSQL schema, as numbered migrations of constant SQL statements. Each migration
/// is applied in its own transaction under an advisory lock (see `PostgresStore+Lifecycle`).
///
/// `time_series_data` follows the deployment guide (`TIMESTAMPTZ` time, `UUID` organization,
/// `JSONB` tags with a GIN index, its three indexes) with two differences: `id` is the point's
/// sequence (the rollup watermark and the pagination tie-break), and `metadata` is `JSON`,
/// which keeps the client's text exactly (JSONB would reorder keys). Rollup and catalog times
/// are integer microseconds, as on SQLite.
///
/// Migration 1 has two variants, chosen once, when a database is first migrated (see
/// ``PostgresStorageMode``): native weekly range partitions with a default partition, or a
/// TimescaleDB hypertable with the guide's chunk interval and retention policy. Every later
/// migration is the same in both.
///
/// Row-level security is enabled and forced on every tenant table (see ``rowSecurity(_:)``).
enum PostgresMigrations {
    struct Migration {
        let version: Int
        let name: String
        let statements: [String]
    }

    /// Visible rows: those of the organization set for the transaction, or every row in the
    /// system scope (rollups, retention). A missing or empty setting matches nothing.
    static let tenantPredicate = """
        organization_id = NULLIF(current_setting('churnguard.organization_id', true), '')::uuid
        OR current_setting('churnguard.scope', true) = 'system'
        """

    static func rowSecurity(_ table: String) -> [String] {
        [
            "ALTER TABLE \(table) ENABLE ROW LEVEL SECURITY",
            "ALTER TABLE \(table) FORCE ROW LEVEL SECURITY",
            "CREATE POLICY org_isolation_policy ON \(table) USING (\(tenantPredicate)) WITH CHECK (\(tenantPredicate))",
        ]
    }

    /// The migrations of a database stored in `mode`, oldest first.
    static func all(for mode: PostgresStorageMode) -> [Migration] {
        let first = switch mode {
        case .partitions:
            Migration(version: 1, name: "organizations, api_keys, time_series_data (weekly partitions), metric_catalog, row-level security",
                      statements: directory + partitionedPoints + catalog + rowSecurity("time_series_data")
                          + rowSecurity("metric_catalog") + rowSecurity("api_keys") + [partitionFunction])
        case .timescaledb:
            Migration(version: 1, name: "organizations, api_keys, time_series_data (TimescaleDB hypertable), metric_catalog, row-level security",
                      statements: directory + hypertablePoints + catalog + rowSecurity("time_series_data")
                          + rowSecurity("metric_catalog") + rowSecurity("api_keys") + timescalePolicies)
        }
        return [
            first,
            Migration(version: 2, name: "hourly_metrics, daily_metrics, rollup_state",
                      statements: rollups + rowSecurity("hourly_metrics") + rowSecurity("daily_metrics")),
            // Keys made before scopes existed keep full access.
            Migration(version: 3, name: "api_keys.scopes",
                      statements: ["ALTER TABLE api_keys ADD COLUMN scopes TEXT NOT NULL DEFAULT 'ingest,read,admin'"]),
            Migration(version: 4, name: "alert_rules, alerts, alert_history, row-level security", statements: alerts),
            Migration(version: 5, name: "ingest_idempotency",
                      statements: [
                          """
                          CREATE TABLE ingest_idempotency (
                              organization_id UUID NOT NULL,
                              idempotency_key TEXT NOT NULL,
                              body_hash BYTEA NOT NULL,
                              accepted INTEGER NOT NULL,
                              created_at TIMESTAMPTZ NOT NULL,
                              PRIMARY KEY (organization_id, idempotency_key)
                          )
                          """,
                          "CREATE INDEX idx_ingest_idempotency_created ON ingest_idempotency (created_at)",
                      ] + rowSecurity("ingest_idempotency")),
            Migration(version: 6, name: "anomalies, anomaly_series, row-level security", statements: anomalies),
            Migration(version: 7, name: "notification_route_sets, notification_routes, notification_outbox, row-level security",
                      statements: notifications),
            Migration(version: 8, name: "insights, row-level security", statements: insights),
            Migration(version: 9, name: "recommendations, row-level security", statements: recommendations),
            Migration(version: 10, name: "hourly_dimension_metrics, daily_dimension_metrics, rollup_dimension_values, row-level security, anomaly levels",
                      statements: dimensionRollups + anomalyLevels),
            Migration(version: 11, name: "anomaly_monitor_leases, anomaly_monitors, row-level security (system scope only)",
                      statements: anomalyLeases),
            Migration(version: 12, name: "notification_routes.minimum_value",
                      statements: ["ALTER TABLE notification_routes ADD COLUMN minimum_value DOUBLE PRECISION"]),
            Migration(version: 13, name: "notification_digest_marks, notification_rate_buckets, row-level security",
                      statements: notificationPacing),
        ]
    }

    /// The newest version this build knows (the same in both modes).
    static var latestVersion: Int { all(for: .partitions).last?.version ?? 0 }

    static let directory = [
        """
        CREATE TABLE organizations (
            id UUID PRIMARY KEY,
            name TEXT NOT NULL UNIQUE,
            tier TEXT NOT NULL,
            created_at TIMESTAMPTZ NOT NULL
        )
        """,
        """
        CREATE TABLE api_keys (
            id TEXT PRIMARY KEY,
            organization_id UUID NOT NULL REFERENCES organizations(id),
            key_hash BYTEA NOT NULL,
            tier TEXT NOT NULL,
            name TEXT,
            created_at TIMESTAMPTZ NOT NULL,
            revoked_at TIMESTAMPTZ
        )
        """,
        "CREATE INDEX idx_api_keys_org ON api_keys (organization_id)",
    ]

    /// The guide's columns plus the point sequence; `PARTITION BY` or not is the mode's.
    static let pointColumns = """
        id BIGSERIAL NOT NULL,
        timestamp TIMESTAMPTZ NOT NULL,
        metric_name TEXT NOT NULL,
        organization_id UUID NOT NULL,
        value DOUBLE PRECISION NOT NULL,
        tags JSONB NOT NULL DEFAULT '{}',
        metadata JSON,
        created_at TIMESTAMPTZ NOT NULL DEFAULT now()
        """

    /// The guide's three indexes and the sequence index (rollup watermark, retention).
    static let pointIndexes = [
        "CREATE INDEX idx_ts_metric_org_time ON time_series_data (metric_name, organization_id, timestamp DESC)",
        "CREATE INDEX idx_ts_org_time ON time_series_data (organization_id, timestamp DESC)",
        "CREATE INDEX idx_ts_tags ON time_series_data USING GIN (tags)",
        "CREATE INDEX idx_ts_id ON time_series_data (id)",
    ]

    /// Plain PostgreSQL: weekly range partitions (created by ``partitionFunction``) and a
    /// default partition for weeks without one.
    static let partitionedPoints = ["CREATE TABLE time_series_data (\(pointColumns)) PARTITION BY RANGE (timestamp)"]
        + pointIndexes
        + ["CREATE TABLE time_series_data_default PARTITION OF time_series_data DEFAULT"]
        + rowSecurity("time_series_data_default")

    /// TimescaleDB: a hypertable with the deployment guide's chunk interval (one hour),
    /// created before its indexes as the guide does. TimescaleDB creates chunks itself.
    static let hypertablePoints = [
        "CREATE TABLE time_series_data (\(pointColumns))",
        """
        SELECT create_hypertable('time_series_data', 'timestamp',
                                 chunk_time_interval => INTERVAL '1 hour', if_not_exists => TRUE)
        """,
    ] + pointIndexes

    /// TimescaleDB's retention policy from the guide (one year), a backstop behind the
    /// worker's tiered retention. The guide's compression policy and `hourly_metrics`
    /// continuous aggregate are deliberately absent: TimescaleDB refuses both on a table with
    /// row-level security (docs/POSTGRES.md), and tenant isolation comes first.
    static let timescalePolicies = [
        "SELECT add_retention_policy('time_series_data', INTERVAL '1 year', if_not_exists => TRUE)",
    ]

    static let catalog = [
        """
        CREATE TABLE metric_catalog (
            organization_id UUID NOT NULL,
            metric_name TEXT NOT NULL,
            points BIGINT NOT NULL,
            first_timestamp BIGINT NOT NULL,
            last_timestamp BIGINT NOT NULL,
            PRIMARY KEY (organization_id, metric_name)
        )
        """,
    ]

    /// ``tenantPredicate`` as the body of a string literal inside the function below.
    static let quotedPredicate = tenantPredicate.replacing("'", with: "''")

    /// Creates the missing weekly partitions (Monday 00:00 UTC) overlapping `[from_time,
    /// to_time)`. A week whose rows already sit in the default partition is left there. Each
    /// partition gets the parent's row-level security (enabled, forced, same policy), so
    /// reading a partition directly, past the parent, is bound the same way, and `pg_dump`
    /// (which reads partitions directly) sees every row in the system scope.
    static let partitionFunction = """
        CREATE FUNCTION churnguard_ensure_partitions(from_time TIMESTAMPTZ, to_time TIMESTAMPTZ) RETURNS INTEGER
        LANGUAGE plpgsql AS $$
        DECLARE
            week_start TIMESTAMPTZ := date_trunc('week', from_time AT TIME ZONE 'UTC') AT TIME ZONE 'UTC';
            part_name TEXT;
            created INTEGER := 0;
        BEGIN
            WHILE week_start < to_time LOOP
                part_name := 'time_series_data_' || to_char(week_start AT TIME ZONE 'UTC', 'YYYYMMDD');
                IF to_regclass(part_name) IS NULL THEN
                    BEGIN
                        EXECUTE format('CREATE TABLE %I PARTITION OF time_series_data FOR VALUES FROM (%L) TO (%L)',
                                       part_name, week_start, week_start + INTERVAL '7 days');
                        EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY, FORCE ROW LEVEL SECURITY', part_name);
                        EXECUTE format('CREATE POLICY org_isolation_policy ON %I USING (\(quotedPredicate)) WITH CHECK (\(quotedPredicate))',
                                       part_name);
                        created := created + 1;
                    EXCEPTION WHEN check_violation THEN
                        NULL;
                    END;
                END IF;
                week_start := week_start + INTERVAL '7 days';
            END LOOP;
            RETURN created;
        END
        $$
        """

    static let rollups = ["hourly_metrics", "daily_metrics"].flatMap { table in
        [
            """
            CREATE TABLE \(table) (
                organization_id UUID NOT NULL,
                metric_name TEXT NOT NULL,
                bucket BIGINT NOT NULL,
                count BIGINT NOT NULL,
                sum_value DOUBLE PRECISION NOT NULL,
                avg_value DOUBLE PRECISION NOT NULL,
                m2_value DOUBLE PRECISION NOT NULL,
                min_value DOUBLE PRECISION NOT NULL,
                max_value DOUBLE PRECISION NOT NULL,
                updated_at TIMESTAMPTZ NOT NULL DEFAULT now(),
                PRIMARY KEY (organization_id, metric_name, bucket)
            )
            """,
            "CREATE INDEX idx_\(table)_bucket ON \(table) (bucket)",
        ]
    } + [
        """
        CREATE TABLE rollup_state (
            id INTEGER PRIMARY KEY CHECK (id = 1),
            watermark BIGINT NOT NULL,
            updated_at TIMESTAMPTZ NOT NULL DEFAULT now()
        )
        """,
        "INSERT INTO rollup_state (id, watermark) VALUES (1, 0)",
    ]
}
