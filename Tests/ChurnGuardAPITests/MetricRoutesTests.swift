import ChurnGuardCore
import Foundation
import HummingbirdTesting
import Testing

@Suite("Metric routes over HTTP")
struct MetricRoutesTests {
    @Test("ingest, list and page through points", arguments: TestBackend.available)
    func roundTrip(_ backend: TestBackend) async throws {
        try await APITestHarness.run(backend: backend) { harness, client in
            let ingest = try await client.send(.post, "/api/v1/analytics/metrics", key: harness.keyA, json: batch(count: 25))
            #expect(ingest.status == .ok)
            #expect(try ingest.json["accepted"] as? Int == 25)

            let list = try await client.send(.get, "/api/v1/analytics/metrics", key: harness.keyA)
            let metrics = try #require(try list.json["metrics"] as? [[String: Any]])
            #expect(metrics.count == 1)
            #expect(metrics.first?["metric_name"] as? String == "churn_risk_score")
            #expect(metrics.first?["points"] as? Int == 25)
            #expect(metrics.first?["first_timestamp"] as? String == "2026-11-29T08:00:00Z")
            #expect(metrics.first?["last_timestamp"] as? String == "2026-11-29T08:24:00Z")

            var cursor: String?
            var values: [Double] = []
            repeat {
                let uri = "/api/v1/analytics/metrics/churn_risk_score/points?limit=10" + (cursor.map { "&cursor=\($0)" } ?? "")
                let page = try await client.send(.get, uri, key: harness.keyA)
                #expect(page.status == .ok)
                let body = try page.json
                let points = try #require(body["points"] as? [[String: Any]])
                values += points.compactMap { $0["value"] as? Double }
                #expect((points.first?["tags"] as? [String: String]) == ["segment": "smb"])
                cursor = body["next_cursor"] as? String
            } while cursor != nil
            #expect(values == (0..<25).map { Double($0) / 10 })
        }
    }

    @Test("time range and tag filters", arguments: TestBackend.available)
    func filters(_ backend: TestBackend) async throws {
        try await APITestHarness.run(backend: backend) { harness, client in
            _ = try await client.send(.post, "/api/v1/analytics/metrics", key: harness.keyA, json: batch(count: 10))
            _ = try await client.send(.post, "/api/v1/analytics/metrics", key: harness.keyA,
                                      json: batch(count: 3, start: 1_795_939_200 + 30, tags: #"{"segment":"enterprise"}"#))
            let ranged = try await client.send(.get, "/api/v1/analytics/metrics/churn_risk_score/points?from=2026-11-29T08:02:00Z&to=1795939500&tag.segment=smb", key: harness.keyA)
            let points = try #require(try ranged.json["points"] as? [[String: Any]])
            #expect(points.map { $0["timestamp"] as? String } == ["2026-11-29T08:02:00Z", "2026-11-29T08:03:00Z", "2026-11-29T08:04:00Z"])
            let enterprise = try await client.send(.get, "/api/v1/analytics/metrics/churn_risk_score/points?tag.segment=enterprise", key: harness.keyA)
            #expect(try (enterprise.json["points"] as? [Any])?.count == 3)
        }
    }

    @Test("one organization never sees another's data on any route", arguments: TestBackend.durable)
    func tenantIsolation(_ backend: TestBackend) async throws {
        try await APITestHarness.run(backend: backend) { harness, client in
            _ = try await client.send(.post, "/api/v1/analytics/metrics", key: harness.keyA, json: batch("secret_metric", count: 5))
            let listB = try await client.send(.get, "/api/v1/analytics/metrics", key: harness.keyB)
            #expect(try (listB.json["metrics"] as? [Any])?.isEmpty == true)
            let pointsB = try await client.send(.get, "/api/v1/analytics/metrics/secret_metric/points", key: harness.keyB)
            #expect(pointsB.status == .ok)
            #expect(try (pointsB.json["points"] as? [Any])?.isEmpty == true)
            // A body that names another organization changes nothing: the key decides.
            let sneaky = #"{"organization_id":"\#(harness.organizationA)","points":[{"metric_name":"secret_metric","timestamp":1795939200,"value":9,"organization_id":"\#(harness.organizationA)"}]}"#
            #expect(try await client.send(.post, "/api/v1/analytics/metrics", key: harness.keyB, json: sneaky).status == .ok)
            let stillA = try await harness.store.metrics(organization: harness.organizationA)
            #expect(stillA.first?.points == 5)
            let nowB = try await harness.store.metrics(organization: harness.organizationB)
            #expect(nowB.first?.points == 1)
        }
    }

    @Test("a batch with one bad point is rejected whole, with index and field of each problem", arguments: TestBackend.durable)
    func validation(_ backend: TestBackend) async throws {
        try await APITestHarness.run(backend: backend) { harness, client in
            let body = #"{"points":[{"metric_name":"ok","timestamp":1795939200,"value":1},{"metric_name":"bad name","timestamp":1795939200,"value":1},{"metric_name":"ok","timestamp":"not-a-time","value":"x"}]}"#
            let response = try await client.send(.post, "/api/v1/analytics/metrics", key: harness.keyA, json: body)
            #expect(response.status == .unprocessableContent)
            let error = try #require(try response.json["error"] as? [String: Any])
            #expect(error["code"] as? String == "validation_failed")
            let details = try #require(error["details"] as? [[String: Any]])
            let pairs = details.map { "\($0["index"] as? Int ?? -1):\($0["field"] as? String ?? "")" }
            #expect(Set(pairs) == ["1:metric_name", "2:timestamp", "2:value"])
            #expect(try await harness.store.metrics(organization: harness.organizationA).isEmpty)
        }
    }

    @Test("malformed JSON is 400, an empty batch 422, an oversized body 413", arguments: TestBackend.durable)
    func badBodies(_ backend: TestBackend) async throws {
        try await APITestHarness.run(backend: backend, configure: { $0.maxBodyBytes = 4096 }) { harness, client in
            let malformed = try await client.send(.post, "/api/v1/analytics/metrics", key: harness.keyA, json: #"{"points":[{"metric_name":"#)
            #expect(malformed.status == .badRequest)
            #expect(malformed.errorCode == "malformed_json")
            let empty = try await client.send(.post, "/api/v1/analytics/metrics", key: harness.keyA, json: #"{"points":[]}"#)
            #expect(empty.status == .unprocessableContent)
            let large = try await client.send(.post, "/api/v1/analytics/metrics", key: harness.keyA, json: batch(count: 200))
            #expect(large.status == .contentTooLarge)
            #expect(large.errorCode == "payload_too_large")
            #expect(try await harness.store.metrics(organization: harness.organizationA).isEmpty)
        }
    }

    @Test("too many points per request is 422", arguments: TestBackend.durable)
    func batchLimit(_ backend: TestBackend) async throws {
        try await APITestHarness.run(backend: backend, configure: { $0.validation.maxBatchPoints = 5 }) { harness, client in
            let response = try await client.send(.post, "/api/v1/analytics/metrics", key: harness.keyA, json: batch(count: 6))
            #expect(response.status == .unprocessableContent)
            #expect(try await harness.store.metrics(organization: harness.organizationA).isEmpty)
        }
    }

    @Test("bad query parameters are 422 naming the parameter", arguments: TestBackend.durable)
    func badQueries(_ backend: TestBackend) async throws {
        try await APITestHarness.run(backend: backend) { harness, client in
            for (query, field) in [("limit=0", "limit"), ("limit=abc", "limit"), ("from=yesterday", "from"), ("cursor=zz", "cursor"),
                                   ("tag.bad%20key=1", "tag.bad key")] {
                let response = try await client.send(.get, "/api/v1/analytics/metrics/m/points?\(query)", key: harness.keyA)
                #expect(response.status == .unprocessableContent, "\(query)")
                let details = try (response.json["error"] as? [String: Any])?["details"] as? [[String: Any]]
                #expect(details?.first?["field"] as? String == field, "\(query)")
            }
            let badName = try await client.send(.get, "/api/v1/analytics/metrics/9bad/points", key: harness.keyA)
            #expect(badName.status == .unprocessableContent)
        }
    }
}
