import ChurnGuardStorage
import StoragePostgres
import StorageTesting
import Testing

@Suite("PostgreSQL store conformance", .enabled(if: TestDatabase.enabled, TestDatabase.skipNote))
struct PostgresConformanceTests {
    @Test("PostgreSQL points", arguments: StoreConformance.pointCases)
    func points(_ check: StoreConformance.Case<any MetricStore>) async throws {
        try await withMigrated { try await check.run($0) }
    }

    @Test("PostgreSQL identity", arguments: StoreConformance.organizationCases)
    func identity(_ check: StoreConformance.Case<any OrganizationStore>) async throws {
        try await withMigrated { try await check.run($0) }
    }

    @Test("PostgreSQL alerts", arguments: StoreConformance.alertCases)
    func alerts(_ check: StoreConformance.Case<any AlertStore>) async throws {
        try await withMigrated { try await check.run($0) }
    }

    @Test("PostgreSQL notifications", arguments: StoreConformance.notificationCases)
    func notifications(_ check: StoreConformance.Case<any NotificationStore>) async throws {
        try await withMigrated { try await check.run($0) }
    }

    @Test("PostgreSQL anomalies", arguments: StoreConformance.anomalyCases)
    func anomalies(_ check: StoreConformance.Case<any AnomalyStore>) async throws {
        try await withMigrated { try await check.run($0) }
    }

    @Test("PostgreSQL anomaly monitor leases", arguments: StoreConformance.anomalyLeaseCases)
    func anomalyLeases(_ check: StoreConformance.Case<any AnomalyLeaseStore>) async throws {
        try await withMigrated { try await check.run($0) }
    }

    @Test("PostgreSQL insights", arguments: StoreConformance.insightCases)
    func insights(_ check: StoreConformance.Case<any InsightStore>) async throws {
        try await withMigrated { try await check.run($0) }
    }

    @Test("PostgreSQL recommendations", arguments: StoreConformance.recommendationCases)
    func recommendations(_ check: StoreConformance.Case<any RecommendationStore>) async throws {
        try await withMigrated { try await check.run($0) }
    }

    @Test("PostgreSQL rollups", arguments: StoreConformance.rollupCases)
    func rollups(_ check: StoreConformance.Case<StoreConformance.RollupSubject>) async throws {
        try await withMigrated { try await check.run(.init($0)) }
    }

    @Test("PostgreSQL lifecycle", arguments: StoreConformance.lifecycleCases)
    func lifecycle(_ check: StoreConformance.Case<any StoreLifecycle>) async throws {
        try await withMigrated { try await check.run($0) }
    }

    /// A fresh, migrated database on the test server, dropped afterwards.
    func withMigrated(_ body: (PostgresStore) async throws -> Void) async throws {
        try await TestDatabase.withFreshDatabase { store, _ in
            _ = try await store.migrate()
            try await body(store)
        }
    }
}
