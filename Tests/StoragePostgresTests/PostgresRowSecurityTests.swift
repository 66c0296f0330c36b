import ChurnGuardCore
import ChurnGuardStorage
import Foundation
import PostgresNIO
@testable import StoragePostgres
import Testing

/// Row-level security, checked with raw SQL as the owning (non-superuser) role: the policies
/// bind the schema owner too (FORCE), a missing setting matches no row, and one organization
/// cannot read another's rows, whichever table or partition is asked.
@Suite("PostgreSQL row-level security", .enabled(if: TestDatabase.enabled, TestDatabase.skipNote))
struct PostgresRowSecurityTests {
    static let tenantTables = ["time_series_data", "metric_catalog", "api_keys", "hourly_metrics", "daily_metrics",
                               "hourly_dimension_metrics", "daily_dimension_metrics", "rollup_dimension_values",
                               "alert_rules", "alerts", "alert_history", "insights", "recommendations"]

    /// Counts the rows of `table` visible in a transaction with `setting` (or none) applied.
    private func visibleRows(_ store: PostgresStore, _ table: String, organization: String?) async throws -> Int64 {
        try await store.client.withTransaction(logger: TestDatabase.logger) { connection in
            if let organization {
                try await connection.query(
                    "SELECT set_config('churnguard.organization_id', \(organization), true)", logger: TestDatabase.logger)
            }
            // `table` is one of the constants above.
            let rows = try await connection.query(PostgresQuery(unsafeSQL: "SELECT count(*) FROM \(table)"), logger: TestDatabase.logger)
            var count: Int64 = -1
            for try await value in rows.decode(Int64.self) { count = value }
            return count
        }
    }

    private func seed(_ store: PostgresStore) async throws -> (OrganizationID, OrganizationID) {
        _ = try await store.migrate()
        let a = Organization(id: .random(), name: "a", tier: .default, createdAt: Date(timeIntervalSince1970: 1_764_000_000))
        let b = Organization(id: .random(), name: "b", tier: .default, createdAt: Date(timeIntervalSince1970: 1_764_000_000))
        for org in [a, b] {
            try await store.createOrganization(org)
            try await store.createApiKey(ApiKeyRecord(id: "key-\(org.name)", organizationID: org.id, keyHash: [1, 2, 3], tier: .default,
                                                      name: nil, createdAt: org.createdAt, revokedAt: nil))
            let points = (0..<3).map {
                MetricPoint(metricName: "logins", timestamp: Timestamp(seconds: 1_764_000_000 + Int64($0) * 3600), value: 1,
                            tags: ["segment": "smb"], metadataJSON: nil)
            }
            try await store.append([PointBatch(organization: org.id, points: points)])
            let time = Timestamp(seconds: 1_764_000_000)
            try await store.putAlertRule(AlertRule(id: "r", metricName: "logins", condition: .below, threshold: 2, severity: .low),
                                         organization: org.id, at: time)
            try await store.saveAlert(Alert(id: "alert-\(org.name)", organization: org.id, ruleID: "r", metricName: "logins", tags: [:],
                                            severity: .low, condition: .below, threshold: 2, state: .firing, value: 1,
                                            startedAt: time, updatedAt: time),
                                      appending: [AlertHistoryEntry(at: time, event: .firing, value: 1)])
            _ = try await store.saveInsights([Insight(
                id: "insight-\(org.name)", organization: org.id, kind: .periodChange, metricName: "logins", segment: nil,
                severity: .low, confidence: 0.7, title: "t", narrative: "n", evidence: [:], revenueImpact: nil,
                firstSeen: time, lastSeen: time, expiresAt: time.adding(seconds: 60))], organization: org.id, at: time)
            _ = try await store.saveRecommendations([Recommendation(
                id: "recommendation-\(org.name)", organization: org.id, ruleID: "rule", title: "t", description: "d", category: .other,
                target: RecommendationTarget(), affectedCustomers: 1, customers: ["c"], confidence: 0.8, expectedValue: 1, expectedEffect: 0.1,
                horizonDays: 30, roi: nil, insightIDs: [], anomalyIDs: [], alertIDs: [], createdAt: time)], organization: org.id, at: time)
        }
        _ = try await store.rollUp(maxPoints: 100)
        return (a.id, b.id)
    }

    @Test("the owning role is neither superuser nor BYPASSRLS, so no warning")
    func roleIsOrdinary() async throws {
        try await TestDatabase.withFreshDatabase { store, _ in
            let warnings = try await store.securityWarnings()
            #expect(warnings == [])
        }
    }

    @Test("without the setting the owning role sees no rows of any tenant table")
    func noSettingNoRows() async throws {
        try await TestDatabase.withFreshDatabase { store, _ in
            _ = try await seed(store)
            for table in Self.tenantTables {
                #expect(try await visibleRows(store, table, organization: nil) == 0, "\(table)")
                #expect(try await visibleRows(store, table, organization: "") == 0, "\(table) with an empty setting")
            }
        }
    }

    @Test("one organization sees its own rows and none of another's")
    func organizationsAreIsolated() async throws {
        try await TestDatabase.withFreshDatabase { store, _ in
            let (a, b) = try await seed(store)
            #expect(try await visibleRows(store, "time_series_data", organization: a.description) == 3)
            #expect(try await visibleRows(store, "api_keys", organization: a.description) == 1)
            for table in ["alert_rules", "alerts", "alert_history", "insights", "recommendations"] {
                #expect(try await visibleRows(store, table, organization: a.description) == 1, "\(table)")
            }
            #expect(try await visibleRows(store, "hourly_metrics", organization: a.description) == 3)
            #expect(try await visibleRows(store, "hourly_dimension_metrics", organization: a.description) == 3)
            #expect(try await visibleRows(store, "rollup_dimension_values", organization: a.description) == 1)
            let stranger = OrganizationID.random().description
            for table in Self.tenantTables {
                #expect(try await visibleRows(store, table, organization: stranger) == 0, "\(table)")
            }
            // Writing another organization's row under one's own setting is refused.
            await #expect(throws: (any Error).self) {
                try await store.client.withTransaction(logger: TestDatabase.logger) { connection in
                    try await connection.query(
                        "SELECT set_config('churnguard.organization_id', \(a.description), true)", logger: TestDatabase.logger)
                    try await connection.query("""
                        INSERT INTO time_series_data (timestamp, metric_name, organization_id, value)
                        VALUES (now(), 'logins', \(b.uuid), 1)
                        """, logger: TestDatabase.logger)
                }
            }
        }
    }

    @Test("the anomaly monitors' leases are system rows: no tenant sees or writes them")
    func monitorLeasesAreSystemRows() async throws {
        try await TestDatabase.withFreshDatabase { store, _ in
            let (a, _) = try await seed(store)
            let now = Timestamp(seconds: 1_764_000_000)
            let grant = try await store.claimMonitorBuckets(owner: "m", bucketCount: 8, now: now, until: now.adding(seconds: 60))
            #expect(grant.buckets.count == 8)
            for table in ["anomaly_monitor_leases", "anomaly_monitors"] {
                #expect(try await visibleRows(store, table, organization: a.description) == 0, "\(table) under a tenant")
                #expect(try await visibleRows(store, table, organization: nil) == 0, "\(table) without a scope")
            }
            await #expect(throws: (any Error).self) {
                try await store.client.withTransaction(logger: TestDatabase.logger) { connection in
                    try await connection.query(
                        "SELECT set_config('churnguard.organization_id', \(a.description), true)", logger: TestDatabase.logger)
                    try await connection.query("INSERT INTO anomaly_monitors (owner, expires_at) VALUES ('x', 1)", logger: TestDatabase.logger)
                }
            }
        }
    }

    @Test("a partition read directly, past the parent, is bound by the same policy")
    func partitionsAreClosed() async throws {
        try await TestDatabase.withFreshDatabase { store, _ in
            let (a, _) = try await seed(store)
            #expect(try await visibleRows(store, "time_series_data_default", organization: a.description) == 3)
            #expect(try await visibleRows(store, "time_series_data_default", organization: OrganizationID.random().description) == 0)
            #expect(try await visibleRows(store, "time_series_data_default", organization: nil) == 0)
            let partitions = try await store.client.withConnection { connection in
                let rows = try await connection.query("""
                    SELECT count(*), count(*) FILTER (WHERE NOT (c.relrowsecurity AND c.relforcerowsecurity
                                                                 AND EXISTS (SELECT 1 FROM pg_policy p WHERE p.polrelid = c.oid)))
                    FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid WHERE i.inhparent = 'time_series_data'::regclass
                    """, logger: TestDatabase.logger)
                var result: (Int64, Int64) = (0, -1)
                for try await row in rows.decode((Int64, Int64).self) { result = row }
                return result
            }
            #expect(partitions.0 > 10, "weekly partitions around today plus the default one")
            #expect(partitions.1 == 0, "every partition has row-level security enabled, forced and a policy")
        }
    }
}
