@testable import ChurnGuardAPI
import ChurnGuardBootstrap
import ChurnGuardCore
import ChurnGuardStorage
import Foundation
import HTTPTypes
import HummingbirdTesting
import Testing

/// Regression tests for the defects found by attacking the API: client mistakes answered as
/// server errors, extreme values that stopped rollups, leaks, unbounded queries.
@Suite("Hardening over HTTP")
struct HardeningTests {
    let points = "/api/v1/analytics/metrics/churn_risk_score/points"

    @Test("made-up cursors, NUL bytes and too many tag filters are 422, never 503", arguments: TestBackend.available)
    func clientMistakesAre4xx(_ backend: TestBackend) async throws {
        try await APITestHarness.run(backend: backend) { harness, client in
            _ = try await client.send(.post, "/api/v1/analytics/metrics", key: harness.keyA, json: batch(count: 3))
            let manyFilters = (0..<1200).map { "tag.k\($0)=x" }.joined(separator: "&")
            for query in ["cursor=7fffffffffffffff.0", "cursor=-8000000000000000.0", "cursor=0.-1", "cursor=1.11111111111111111111",
                          "tag.segment=a%00b", "tag.segment=%01", manyFilters,
                          (0..<17).map { "tag.k\($0)=x" }.joined(separator: "&")] {
                let response = try await client.send(.get, "\(points)?\(query)", key: harness.keyA)
                #expect(response.status == .unprocessableContent, "\(query.prefix(60)): \(response.status)")
                #expect(response.errorCode == "invalid_query", "\(query.prefix(60))")
                #expect(response.headers[.retryAfter] == nil)
                #expect(response.body.readableBytes < 8192, "the answer stays small")
            }
            let manyOnAggregates = try await client.send(.get, "/api/v1/analytics/metrics/churn_risk_score/aggregates?from=abc", key: harness.keyA)
            #expect(manyOnAggregates.status == .unprocessableContent)
            // The documented limit itself is fine.
            let sixteen = (0..<16).map { "tag.k\($0)=x" }.joined(separator: "&")
            #expect(try await client.send(.get, "\(points)?\(sixteen)", key: harness.keyA).status == .ok)
        }
    }

    @Test("a real cursor still pages", arguments: TestBackend.available)
    func realCursor(_ backend: TestBackend) async throws {
        try await APITestHarness.run(backend: backend) { harness, client in
            _ = try await client.send(.post, "/api/v1/analytics/metrics", key: harness.keyA, json: batch(count: 3))
            let first = try await client.send(.get, "\(points)?limit=2", key: harness.keyA)
            let cursor = try #require(try first.json["next_cursor"] as? String)
            let second = try await client.send(.get, "\(points)?limit=2&cursor=\(cursor)", key: harness.keyA)
            #expect(try (second.json["points"] as? [Any])?.count == 1)
        }
    }

    @Test("values that would overflow a rollup are refused with 422 naming the field", arguments: TestBackend.available)
    func extremeValues(_ backend: TestBackend) async throws {
        try await APITestHarness.run(backend: backend) { harness, client in
            let body = #"{"points":[{"metric_name":"revenue","timestamp":1795939200,"value":1.7e308},"#
                + #"{"metric_name":"revenue","timestamp":1795939260,"value":-1.7e308},{"metric_name":"revenue","timestamp":1795939320,"value":0}]}"#
            let response = try await client.send(.post, "/api/v1/analytics/metrics", key: harness.keyA, json: body)
            #expect(response.status == .unprocessableContent)
            let details = try #require((try response.json["error"] as? [String: Any])?["details"] as? [[String: Any]])
            #expect(details.compactMap { $0["field"] as? String } == ["value", "value"])
            #expect(details.compactMap { $0["index"] as? Int } == [0, 1])
            let list = try await client.send(.get, "/api/v1/analytics/metrics", key: harness.keyA)
            #expect(try (list.json["metrics"] as? [Any])?.isEmpty == true, "nothing of a refused batch is stored")
        }
    }

    @Test("points far in the future or past the age bound are refused", arguments: TestBackend.available)
    func timeRange(_ backend: TestBackend) async throws {
        try await APITestHarness.run(backend: backend, configure: { $0.validation.maxPointAgeSeconds = 30 * 86_400 }) { harness, client in
            let now = Int(Date().timeIntervalSince1970)
            for (offset, accepted) in [(0, true), (3 * 86_400, false), (-31 * 86_400, false), (-29 * 86_400, true)] {
                let body = #"{"points":[{"metric_name":"logins","timestamp":\#(now + offset),"value":1}]}"#
                let response = try await client.send(.post, "/api/v1/analytics/metrics", key: harness.keyA, json: body)
                #expect(response.status == (accepted ? .ok : .unprocessableContent), "offset \(offset)")
            }
        }
    }

    @Test("readiness names no backend detail")
    func readinessLeaksNothing() async throws {
        try await APITestHarness.run(backend: .memory) { harness, client in
            let memory = try #require(harness.store as? InMemoryStore)
            await memory.simulateFailure(.unavailable("connection to 10.1.2.3:5432 refused for role secret_admin"))
            let response = try await client.send(.get, "/ready", key: nil)
            #expect(response.status == .serviceUnavailable)
            let text = String(buffer: response.body)
            #expect(!text.contains("10.1.2.3") && !text.contains("secret_admin") && !text.contains("refused"), "\(text)")
            #expect(try response.json["reason"] as? String == "database unavailable")
        }
    }

    @Test("one organization's reads past its concurrency cap get 429; another organization's still run")
    func concurrencyCap() async throws {
        let limiter = QueryLimiter(limit: 2)
        let busy = OrganizationID.random()
        let other = OrganizationID.random()
        let (started, startedContinuation) = AsyncStream.makeStream(of: Void.self)
        let releases = (0..<2).map { _ in AsyncStream.makeStream(of: Void.self) }
        let holders = releases.map { release in
            Task {
                try await limiter.run(for: busy) {
                    startedContinuation.yield()
                    for await _ in release.stream { break }
                }
            }
        }
        var iterator = started.makeAsyncIterator()
        _ = await iterator.next()
        _ = await iterator.next()
        #expect(limiter.inFlight(busy) == 2)
        let refused = await #expect(throws: ServiceError.self) { try await limiter.run(for: busy) { 1 } }
        #expect(refused?.code == "too_many_concurrent_queries")
        #expect(refused?.kind == .rateLimited(retryAfterSeconds: 1))
        #expect(try await limiter.run(for: other) { 7 } == 7)
        for release in releases { release.continuation.finish() }
        for holder in holders { try await holder.value }
        #expect(limiter.inFlight(busy) == 0)
        #expect(try await limiter.run(for: busy) { 3 } == 3, "slots are given back")
    }
}
