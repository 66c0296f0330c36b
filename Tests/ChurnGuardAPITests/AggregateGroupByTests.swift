import ChurnGuardCore
import Foundation
import HummingbirdTesting
import Testing

@Suite("Aggregates by dimension over HTTP")
struct AggregateGroupByTests {
    static let route = AggregateRoutesTests.route

    @Test("group_by=segment answers one group per segment from the dimension rollups, tenant-scoped",
          arguments: TestBackend.available)
    func groups(_ backend: TestBackend) async throws {
        try await APITestHarness.run(backend: backend) { harness, client in
            // 30 smb points (values 0.0 … 2.9) and 10 enterprise points (0.0 … 0.9) in the 08:00 hour.
            _ = try await client.send(.post, "/api/v1/analytics/metrics", key: harness.keyA, json: batch(count: 30))
            _ = try await client.send(.post, "/api/v1/analytics/metrics", key: harness.keyA,
                                      json: batch(count: 10, tags: #"{"segment":"enterprise","plan":"pro"}"#))
            _ = try await client.send(.post, "/api/v1/analytics/metrics", key: harness.keyB,
                                      json: batch(count: 5, tags: #"{"segment":"startup"}"#))
            while try await harness.store.rollUp(maxPoints: 1000) > 0 {}

            let response = try await client.send(.get, Self.route + "?group_by=segment&resolution=hour", key: harness.keyA)
            #expect(response.status == .ok)
            let body = try response.json
            #expect(body["group_by"] as? String == "segment" && body["resolution"] as? String == "hour")
            #expect(body["buckets"] == nil, "a grouped answer has groups, not buckets")
            let groups = try #require(body["groups"] as? [[String: Any]])
            #expect(groups.map { $0["value"] as? String } == ["enterprise", "smb"])
            let smb = try #require(groups.last?["buckets"] as? [[String: Any]])
            #expect(smb.count == 1 && smb.first?["count"] as? Int == 30 && smb.first?["bucket"] as? String == "2026-11-29T08:00:00Z")
            #expect(abs((smb.first?["sum"] as? Double ?? 0) - 43.5) < 1e-9)
            let enterprise = try #require(groups.first?["buckets"] as? [[String: Any]])
            #expect(enterprise.first?["count"] as? Int == 10 && enterprise.first?["max"] as? Double == 0.9)

            let plans = try await client.send(.get, Self.route + "?group_by=plan&resolution=day", key: harness.keyA)
            let planGroups = try #require(try plans.json["groups"] as? [[String: Any]])
            #expect(planGroups.map { $0["value"] as? String } == ["pro"], "points without a plan are in no plan group")

            let seenByB = try await client.send(.get, Self.route + "?group_by=segment", key: harness.keyB)
            let bGroups = try #require(try seenByB.json["groups"] as? [[String: Any]])
            #expect(bGroups.map { $0["value"] as? String } == ["startup"], "b sees only its own segments")
        }
    }

    @Test("an unconfigured dimension is 422 naming group_by; the configured list is honoured")
    func configured() async throws {
        try await APITestHarness.run(backend: .memory, configure: {
            $0.rollupDimensions = RollupDimensions(names: ["region"], maxValues: 1)
        }) { harness, client in
            for query in ["?group_by=segment", "?group_by=", "?group_by=customer_id&resolution=hour"] {
                let response = try await client.send(.get, Self.route + query, key: harness.keyA)
                #expect(response.status == .unprocessableContent, "\(query)")
                let details = try #require((try response.json["error"] as? [String: Any])?["details"] as? [[String: Any]])
                #expect(details.map { $0["field"] as? String } == ["group_by"], "\(query)")
                #expect((details.first?["message"] as? String)?.contains("region") == true)
            }
            _ = try await client.send(.post, "/api/v1/analytics/metrics", key: harness.keyA, json: batch(count: 2, tags: #"{"region":"eu"}"#))
            _ = try await client.send(.post, "/api/v1/analytics/metrics", key: harness.keyA, json: batch(count: 3, tags: #"{"region":"us"}"#))
            _ = try await harness.store.rollUp(maxPoints: 100, dimensions: harness.configuration.rollupDimensions)
            let response = try await client.send(.get, Self.route + "?group_by=region", key: harness.keyA)
            let groups = try #require(try response.json["groups"] as? [[String: Any]])
            let counts = groups.map { ($0["value"] as? String ?? "?") + "=" + "\((($0["buckets"] as? [[String: Any]])?.first?["count"] as? Int) ?? -1)" }
            #expect(counts == ["eu=2", "other=3"], "a cap of one keeps the first value apart")
        }
    }
}
