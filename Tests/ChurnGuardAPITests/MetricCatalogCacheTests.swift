import ChurnGuardBootstrap
import ChurnGuardCore
import ChurnGuardStorage
import Foundation
import HummingbirdTesting
import Testing

@Suite("The metric list cache")
struct MetricCatalogCacheTests {
    func names(_ client: some TestClientProtocol, key: String) async throws -> [String] {
        let listed = try await client.send(.get, "/api/v1/analytics/metrics", key: key)
        return try #require(try listed.json["metrics"] as? [[String: Any]]).compactMap { $0["metric_name"] as? String }.sorted()
    }

    @Test("another writer's points show after the TTL; this replica's ingest shows at once")
    func invalidation() async throws {
        try await APITestHarness.run(backend: .sqlite, configure: { $0.metricListCacheSeconds = 60 }) { harness, client in
            #expect(try await names(client, key: harness.keyA) == [])
            // Written past this replica (as another replica or the bulk CLI would): not seen within the TTL.
            let point = MetricPoint(metricName: "logins", timestamp: Timestamp(Date()).adding(seconds: -60), value: 1)
            try await harness.store.append([PointBatch(organization: harness.organizationA, points: [point])])
            #expect(try await names(client, key: harness.keyA) == [])
            // An ingest through this replica refreshes the list at once, including the other write.
            #expect(try await client.send(.post, "/api/v1/analytics/metrics", key: harness.keyA, json: batch(count: 1)).status == .ok)
            #expect(try await names(client, key: harness.keyA) == ["churn_risk_score", "logins"])
            // Organizations have their own entries.
            #expect(try await names(client, key: harness.keyB) == [])
        }
        try await APITestHarness.run(backend: .sqlite, configure: { $0.metricListCacheSeconds = 0 }) { harness, client in
            #expect(try await names(client, key: harness.keyA) == [])
            let point = MetricPoint(metricName: "logins", timestamp: Timestamp(Date()).adding(seconds: -60), value: 1)
            try await harness.store.append([PointBatch(organization: harness.organizationA, points: [point])])
            #expect(try await names(client, key: harness.keyA) == ["logins"])
        }
    }
}
