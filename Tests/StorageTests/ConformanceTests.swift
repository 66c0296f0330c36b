import ChurnGuardStorage
import Foundation
import StorageSQLite
import StorageTesting
import Testing

@Suite("Store conformance")
struct ConformanceTests {
    @Test("in-memory points", arguments: StoreConformance.pointCases)
    func inMemoryPoints(_ check: StoreConformance.Case<any MetricStore>) async throws {
        try await check.run(InMemoryStore())
    }

    @Test("in-memory identity", arguments: StoreConformance.organizationCases)
    func inMemoryIdentity(_ check: StoreConformance.Case<any OrganizationStore>) async throws {
        try await check.run(InMemoryStore())
    }

    @Test("in-memory alerts", arguments: StoreConformance.alertCases)
    func inMemoryAlerts(_ check: StoreConformance.Case<any AlertStore>) async throws {
        try await check.run(InMemoryStore())
    }

    @Test("in-memory notifications", arguments: StoreConformance.notificationCases)
    func inMemoryNotifications(_ check: StoreConformance.Case<any NotificationStore>) async throws {
        try await check.run(InMemoryStore())
    }

    @Test("in-memory anomalies", arguments: StoreConformance.anomalyCases)
    func inMemoryAnomalies(_ check: StoreConformance.Case<any AnomalyStore>) async throws {
        try await check.run(InMemoryStore())
    }

    @Test("in-memory anomaly monitor leases", arguments: StoreConformance.anomalyLeaseCases)
    func inMemoryAnomalyLeases(_ check: StoreConformance.Case<any AnomalyLeaseStore>) async throws {
        try await check.run(InMemoryStore())
    }

    @Test("in-memory insights", arguments: StoreConformance.insightCases)
    func inMemoryInsights(_ check: StoreConformance.Case<any InsightStore>) async throws {
        try await check.run(InMemoryStore())
    }

    @Test("in-memory recommendations", arguments: StoreConformance.recommendationCases)
    func inMemoryRecommendations(_ check: StoreConformance.Case<any RecommendationStore>) async throws {
        try await check.run(InMemoryStore())
    }

    @Test("in-memory rollups", arguments: StoreConformance.rollupCases)
    func inMemoryRollups(_ check: StoreConformance.Case<StoreConformance.RollupSubject>) async throws {
        try await check.run(.init(InMemoryStore()))
    }

    @Test("in-memory lifecycle", arguments: StoreConformance.lifecycleCases)
    func inMemoryLifecycle(_ check: StoreConformance.Case<any StoreLifecycle>) async throws {
        try await check.run(InMemoryStore())
    }

    @Test("SQLite points", arguments: StoreConformance.pointCases)
    func sqlitePoints(_ check: StoreConformance.Case<any MetricStore>) async throws {
        try await withSQLite { try await check.run($0) }
    }

    @Test("SQLite identity", arguments: StoreConformance.organizationCases)
    func sqliteIdentity(_ check: StoreConformance.Case<any OrganizationStore>) async throws {
        try await withSQLite { try await check.run($0) }
    }

    @Test("SQLite alerts", arguments: StoreConformance.alertCases)
    func sqliteAlerts(_ check: StoreConformance.Case<any AlertStore>) async throws {
        try await withSQLite { try await check.run($0) }
    }

    @Test("SQLite notifications", arguments: StoreConformance.notificationCases)
    func sqliteNotifications(_ check: StoreConformance.Case<any NotificationStore>) async throws {
        try await withSQLite { try await check.run($0) }
    }

    @Test("SQLite anomalies", arguments: StoreConformance.anomalyCases)
    func sqliteAnomalies(_ check: StoreConformance.Case<any AnomalyStore>) async throws {
        try await withSQLite { try await check.run($0) }
    }

    @Test("SQLite anomaly monitor leases", arguments: StoreConformance.anomalyLeaseCases)
    func sqliteAnomalyLeases(_ check: StoreConformance.Case<any AnomalyLeaseStore>) async throws {
        try await withSQLite { try await check.run($0) }
    }

    @Test("SQLite insights", arguments: StoreConformance.insightCases)
    func sqliteInsights(_ check: StoreConformance.Case<any InsightStore>) async throws {
        try await withSQLite { try await check.run($0) }
    }

    @Test("SQLite recommendations", arguments: StoreConformance.recommendationCases)
    func sqliteRecommendations(_ check: StoreConformance.Case<any RecommendationStore>) async throws {
        try await withSQLite { try await check.run($0) }
    }

    @Test("SQLite rollups", arguments: StoreConformance.rollupCases)
    func sqliteRollups(_ check: StoreConformance.Case<StoreConformance.RollupSubject>) async throws {
        try await withSQLite { try await check.run(.init($0)) }
    }

    @Test("SQLite lifecycle", arguments: StoreConformance.lifecycleCases)
    func sqliteLifecycle(_ check: StoreConformance.Case<any StoreLifecycle>) async throws {
        try await withSQLite { try await check.run($0) }
    }

    /// A fresh, migrated SQLite store in a temporary folder.
    func withSQLite(_ body: (SQLiteStore) async throws -> Void) async throws {
        try await TemporaryDirectory.with { directory in
            let store = try SQLiteStore(path: directory.appendingPathComponent("test.sqlite").path)
            _ = try await store.migrate()
            try await body(store)
        }
    }
}

/// A folder under the system temporary directory, removed afterwards.
enum TemporaryDirectory {
    static func with<T>(_ body: (URL) async throws -> T) async throws -> T {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("churnguard-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: url) }
        return try await body(url)
    }
}
