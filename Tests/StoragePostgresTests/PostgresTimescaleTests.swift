import ChurnGuardStorage
import Foundation
import PostgresNIO
@testable import StoragePostgres
import StorageTesting
import Testing

/// The TimescaleDB variant of the schema, where the extension is not installed (Debian has no
/// package): stand-in functions with TimescaleDB's names and parameter names check and record
/// each call, so the migration's own SQL runs for real, and the whole conformance suite then
/// runs on the resulting schema (a plain, unpartitioned `time_series_data`, which is what a
/// hypertable looks like to every query). What the stand-ins cannot show is TimescaleDB's own
/// behaviour (chunking, the policy's job); docs/POSTGRES.md says so.
@Suite("PostgreSQL TimescaleDB schema", .enabled(if: TestDatabase.enabled, TestDatabase.skipNote))
struct PostgresTimescaleTests {
    /// Stand-ins for `create_hypertable` and `add_retention_policy`. Like TimescaleDB they
    /// refuse a partitioned or non-empty table and a time column that is not a timestamp.
    static let standIns = [
        "CREATE TABLE timescale_calls (name TEXT NOT NULL, relation TEXT NOT NULL, argument TEXT, flag BOOLEAN)",
        """
        CREATE FUNCTION create_hypertable(relation REGCLASS, time_column_name NAME,
                                          chunk_time_interval INTERVAL DEFAULT NULL, if_not_exists BOOLEAN DEFAULT FALSE)
        RETURNS TABLE (hypertable_id INTEGER, schema_name NAME, table_name NAME, created BOOLEAN)
        LANGUAGE plpgsql AS $$
        DECLARE
            has_rows BOOLEAN;
        BEGIN
            IF (SELECT relkind FROM pg_class WHERE oid = relation) <> 'r' THEN
                RAISE EXCEPTION 'table % is not a plain table', relation;
            END IF;
            IF (SELECT format_type(atttypid, atttypmod) FROM pg_attribute
                WHERE attrelid = relation AND attname = time_column_name) IS DISTINCT FROM 'timestamp with time zone' THEN
                RAISE EXCEPTION 'column % is not a timestamptz column of %', time_column_name, relation;
            END IF;
            EXECUTE format('SELECT EXISTS (SELECT 1 FROM %s)', relation) INTO has_rows;
            IF has_rows THEN RAISE EXCEPTION 'table % is not empty', relation; END IF;
            INSERT INTO timescale_calls VALUES ('create_hypertable', relation::TEXT, chunk_time_interval::TEXT, if_not_exists);
            RETURN QUERY SELECT 1, 'public'::NAME, relation::TEXT::NAME, TRUE;
        END
        $$
        """,
        """
        CREATE FUNCTION add_retention_policy(relation REGCLASS, drop_after INTERVAL, if_not_exists BOOLEAN DEFAULT FALSE)
        RETURNS INTEGER LANGUAGE plpgsql AS $$
        BEGIN
            INSERT INTO timescale_calls VALUES ('add_retention_policy', relation::TEXT, drop_after::TEXT, if_not_exists);
            RETURN 1000;
        END
        $$
        """,
    ]

    /// Runs `body` on a fresh database migrated in the TimescaleDB mode over the stand-ins.
    static func withTimescaleSchema(_ body: @escaping @Sendable (PostgresStore) async throws -> Void) async throws {
        try await TestDatabase.withFreshDatabase { store, _ in
            try await store.client.withConnection { connection in
                for statement in standIns {
                    try await connection.query(PostgresQuery(unsafeSQL: statement), logger: TestDatabase.logger)
                }
            }
            _ = try await store.migrate(mode: .timescaledb)
            try await body(store)
        }
    }

    @Test("the migration makes a hypertable with the guide's chunk interval and a one-year retention policy")
    func migration() async throws {
        try await Self.withTimescaleSchema { store in
            let calls = try await store.client.withConnection { connection in
                var calls: [String] = []
                let rows = try await connection.query(
                    "SELECT name || ' ' || relation || ' ' || argument || ' ' || flag::TEXT FROM timescale_calls ORDER BY name",
                    logger: TestDatabase.logger)
                for try await call in rows.decode(String.self) { calls.append(call) }
                return calls
            }
            #expect(calls == ["add_retention_policy time_series_data 1 year true",
                              "create_hypertable time_series_data 01:00:00 true"], "\(calls)")
            let status = try await store.migrationStatus()
            #expect(status.isCurrent && status.backend.contains("TimescaleDB hypertable"), "\(status.backend)")
            #expect(status.entries.first?.name.contains("TimescaleDB") == true)
            // Chunks are TimescaleDB's job: no weekly partitions, now or ahead.
            #expect(try await store.prepareStorage(around: Date()) == 0)
            try await store.checkReady()
            // A second migrate keeps the mode and applies nothing.
            #expect(try await store.migrate().isEmpty)
        }
    }

    @Test("the TimescaleDB schema passes the points slice", arguments: StoreConformance.pointCases)
    func points(_ check: StoreConformance.Case<any MetricStore>) async throws {
        try await Self.withTimescaleSchema { try await check.run($0) }
    }

    @Test("the TimescaleDB schema passes the rollup slice", arguments: StoreConformance.rollupCases)
    func rollups(_ check: StoreConformance.Case<StoreConformance.RollupSubject>) async throws {
        try await Self.withTimescaleSchema { try await check.run(.init($0)) }
    }

    @Test("the TimescaleDB schema passes the identity and lifecycle slices", arguments: StoreConformance.organizationCases.map(\.name)
        + StoreConformance.lifecycleCases.map(\.name))
    func identityAndLifecycle(_ name: String) async throws {
        try await Self.withTimescaleSchema { store in
            if let check = StoreConformance.organizationCases.first(where: { $0.name == name }) { try await check.run(store) }
            if let check = StoreConformance.lifecycleCases.first(where: { $0.name == name }) { try await check.run(store) }
        }
    }
}
