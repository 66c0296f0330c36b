import ChurnGuardBootstrap
import ChurnGuardCore
import ChurnGuardEngine
import ChurnGuardStorage
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import Testing

/// Polls `probe` until it returns a value (the engine folds a commit just after it is
/// acknowledged); fails after about five seconds.
func eventually<T>(_ what: String, _ probe: () async throws -> T?) async throws -> T {
    for _ in 0..<250 {
        if let value = try await probe() { return value }
        try await Task.sleep(for: .milliseconds(20))
    }
    Issue.record("timed out waiting for \(what)")
    throw CancellationError()
}

@Suite("Real-time route")
struct RealtimeRoutesTests {
    @Test("points posted over HTTP are in the live window at once, per organization and tag filter", arguments: TestBackend.available)
    func liveWindow(backend: TestBackend) async throws {
        try await APITestHarness.run(backend: backend) { harness, client in
            let posted = try await client.send(.post, "/api/v1/analytics/metrics", key: harness.keyA, json: batch(count: 5))
            #expect(posted.status == .ok)
            let body = try await eventually("the window") { () -> [String: Any]? in
                let answer = try await client.send(.get, "/api/v1/analytics/metrics/churn_risk_score/realtime?tag.segment=smb", key: harness.keyA)
                guard answer.status == .ok, let json = try? answer.json,
                      let series = json["series"] as? [[String: Any]], series.first?["count"] as? Int == 5 else { return nil }
                return json
            }
            let series = try #require((body["series"] as? [[String: Any]])?.first)
            #expect(series["tags"] as? [String: String] == ["segment": "smb"])
            #expect(abs((series["mean"] as? Double ?? 0) - 0.2) < 1e-12)
            #expect(series["min"] as? Double == 0)
            #expect(series["max"] as? Double == 0.4)
            #expect(series["p50"] as? Double == 0.2)
            #expect(series["last_value"] as? Double == 0.4)
            #expect(series["trend"] as? String == "rising")
            #expect(body["window_capacity"] as? Int == 10_000)
            let other = try await client.send(.get, "/api/v1/analytics/metrics/churn_risk_score/realtime", key: harness.keyB)
            #expect(other.status == .notFound)
            #expect(other.errorCode == "not_live")
            let filtered = try await client.send(.get, "/api/v1/analytics/metrics/churn_risk_score/realtime?tag.segment=enterprise", key: harness.keyA)
            #expect(filtered.status == .notFound)
            let badLimit = try await client.send(.get, "/api/v1/analytics/metrics/churn_risk_score/realtime?limit=0", key: harness.keyA)
            #expect(badLimit.status.code == 422)
            #expect(badLimit.errorCode == "invalid_query")
            let unauthenticated = try await client.send(.get, "/api/v1/analytics/metrics/churn_risk_score/realtime", key: nil)
            #expect(unauthenticated.status == .unauthorized)
        }
    }

    @Test("past the live-series cap the route answers 409 live_series_limit; the points are stored all the same")
    func seriesCap() async throws {
        try await APITestHarness.run(configure: { $0.realtimeMaxSeriesPerOrganization = 1 }) { harness, client in
            #expect(try await client.send(.post, "/api/v1/analytics/metrics", key: harness.keyA, json: batch(count: 2)).status == .ok)
            _ = try await eventually("the first series") { () -> Bool? in
                try await client.send(.get, "/api/v1/analytics/metrics/churn_risk_score/realtime", key: harness.keyA).status == .ok ? true : nil
            }
            let second = batch("customer_activity", count: 2)
            #expect(try await client.send(.post, "/api/v1/analytics/metrics", key: harness.keyA, json: second).status == .ok)
            let refused = try await eventually("the refusal") { () -> TestResponse? in
                let answer = try await client.send(.get, "/api/v1/analytics/metrics/customer_activity/realtime", key: harness.keyA)
                return answer.status == .conflict ? answer : nil
            }
            #expect(refused.errorCode == "live_series_limit")
            let stored = try await client.send(.get, "/api/v1/analytics/metrics/customer_activity/points", key: harness.keyA)
            #expect((try stored.json["points"] as? [Any])?.count == 2)
        }
    }

    @Test("after a restart the windows are rebuilt from the store before the server answers", arguments: TestBackend.durable)
    func restartRebuilds(backend: TestBackend) async throws {
        try await backend.withStore { store in
            _ = try await store.migrate()
            let org = try await OrganizationAdmin(store: store).createOrganization(name: "restart", tier: .default)
            var configuration = AppConfiguration()
            configuration.host = "127.0.0.1"
            configuration.port = 0
            var logger = Logger(label: "realtime-test")
            logger.logLevel = .warning
            let backends = Backends.single(store, name: backend.rawValue)
            let first = try await ApplicationBuilder.build(configuration: configuration, backends: backends, logger: logger)
            try await first.application.test(.live) { client in
                let status = try await client.send(.post, "/api/v1/analytics/metrics", key: org.apiKey, json: batch(count: 7)).status
                #expect(status == .ok)
            }
            let second = try await ApplicationBuilder.build(configuration: configuration, backends: backends, logger: logger)
            try await second.application.test(.live) { client in
                let answer = try await client.send(.get, "/api/v1/analytics/metrics/churn_risk_score/realtime", key: org.apiKey)
                #expect(answer.status == .ok)
                let series = try #require((try answer.json["series"] as? [[String: Any]])?.first)
                #expect(series["count"] as? Int == 7)
                #expect(series["last_value"] as? Double == 0.6)
            }
        }
    }
}
