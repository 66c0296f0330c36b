import ChurnGuardCore
import Foundation
import HummingbirdTesting
import Testing

@Suite("Aggregate routes over HTTP")
struct AggregateRoutesTests {
    static let route = "/api/v1/analytics/metrics/churn_risk_score/aggregates"

    @Test("hourly and daily buckets from the rollups, tenant-scoped", arguments: TestBackend.available)
    func buckets(_ backend: TestBackend) async throws {
        try await APITestHarness.run(backend: backend) { harness, client in
            // 90 points from 08:00, one a minute, values 0.0, 0.1, … 8.9: 60 in the 08:00 hour, 30 in the 09:00 hour.
            _ = try await client.send(.post, "/api/v1/analytics/metrics", key: harness.keyA, json: batch(count: 90))
            _ = try await client.send(.post, "/api/v1/analytics/metrics", key: harness.keyB, json: batch(count: 3))
            let beforeRollup = try await client.send(.get, Self.route + "?resolution=hour", key: harness.keyA)
            #expect(try (beforeRollup.json["buckets"] as? [Any])?.isEmpty == true, "answers come from rollups only")
            while try await harness.store.rollUp(maxPoints: 1000) > 0 {}

            let hourly = try await client.send(.get, Self.route + "?resolution=hour&from=2026-11-29T08:30:00Z&to=2026-11-29T10:00:00Z", key: harness.keyA)
            #expect(hourly.status == .ok)
            let body = try hourly.json
            #expect(body["resolution"] as? String == "hour")
            let buckets = try #require(body["buckets"] as? [[String: Any]])
            #expect(buckets.map { $0["bucket"] as? String } == ["2026-11-29T08:00:00Z", "2026-11-29T09:00:00Z"])
            #expect(buckets.first?["count"] as? Int == 60)
            #expect(abs((buckets.first?["sum"] as? Double ?? 0) - 177) < 1e-9)
            #expect(abs((buckets.first?["avg"] as? Double ?? 0) - 2.95) < 1e-9)
            #expect(buckets.first?["min"] as? Double == 0 && buckets.first?["max"] as? Double == 5.9)
            #expect(abs((buckets.first?["stddev"] as? Double ?? 0) - 1.7464249196572981) < 1e-9)

            let daily = try await client.send(.get, Self.route + "?resolution=day", key: harness.keyA)
            let days = try #require(try daily.json["buckets"] as? [[String: Any]])
            #expect(days.count == 1 && days.first?["count"] as? Int == 90 && days.first?["bucket"] as? String == "2026-11-29T00:00:00Z")

            let seenByB = try await client.send(.get, Self.route + "?resolution=day", key: harness.keyB)
            let bDays = try #require(try seenByB.json["buckets"] as? [[String: Any]])
            #expect(bDays.count == 1 && bDays.first?["count"] as? Int == 3, "b sees only its own 3 points")
            #expect((try await client.send(.get, Self.route, key: nil)).status == .unauthorized)
        }
    }

    @Test("auto picks hours for a range of at most three days, days otherwise; one point has a null stddev")
    func automatic() async throws {
        try await APITestHarness.run(backend: .memory) { harness, client in
            _ = try await client.send(.post, "/api/v1/analytics/metrics", key: harness.keyA, json: batch(count: 1))
            _ = try await harness.store.rollUp(maxPoints: 10)
            let short = try await client.send(.get, Self.route + "?from=2026-11-28T00:00:00Z&to=2026-11-30T00:00:00Z", key: harness.keyA)
            #expect(try short.json["resolution"] as? String == "hour")
            let buckets = try #require(try short.json["buckets"] as? [[String: Any]])
            #expect(buckets.count == 1 && buckets.first?["stddev"] is NSNull)
            let long = try await client.send(.get, Self.route + "?from=2026-11-01T00:00:00Z&to=2026-11-30T00:00:00Z", key: harness.keyA)
            #expect(try long.json["resolution"] as? String == "day")
            let open = try await client.send(.get, Self.route, key: harness.keyA)
            #expect(try open.json["resolution"] as? String == "day")
        }
    }

    @Test("bad parameters are 422 naming the field")
    func validation() async throws {
        try await APITestHarness.run(backend: .memory) { harness, client in
            let cases: [(String, String)] = [
                ("?resolution=minute", "resolution"), ("?from=yesterday", "from"),
                ("?from=2026-11-29T10:00:00Z&to=2026-11-29T09:00:00Z", "to"),
            ]
            for (query, field) in cases {
                let response = try await client.send(.get, Self.route + query, key: harness.keyA)
                #expect(response.status == .unprocessableContent, "\(query)")
                let details = try #require((try response.json["error"] as? [String: Any])?["details"] as? [[String: Any]])
                #expect(details.map { $0["field"] as? String } == [field], "\(query)")
            }
            let badName = try await client.send(.get, "/api/v1/analytics/metrics/bad%20name/aggregates", key: harness.keyA)
            #expect(badName.status == .unprocessableContent)
        }
    }
}
