import ChurnGuardBootstrap
import ChurnGuardCore
import Foundation
import HTTPTypes
import HummingbirdTesting
import Testing

@Suite("Rate limits over HTTP")
struct RateLimitTests {
    @Test("a key gets its tier's allowance with RateLimit headers on every answer, then 429 with Retry-After", arguments: TestBackend.available)
    func perTier(_ backend: TestBackend) async throws {
        try await APITestHarness.run(backend: backend, configure: {
            $0.rateLimits[.default] = ConfigRate(count: 3, windowSeconds: 60)
        }) { harness, client in
            var remaining: [String?] = []
            for index in 0..<3 {
                // Successes and errors alike carry the headers.
                let response = index == 1
                    ? try await client.send(.get, "/api/v1/analytics/metrics/bad%20name/points", key: harness.keyA)
                    : try await client.send(.get, "/api/v1/analytics/metrics", key: harness.keyA)
                #expect(response.status == (index == 1 ? .unprocessableContent : .ok))
                #expect(response.headers[HTTPField.Name("RateLimit-Limit")!] == "3")
                remaining.append(response.headers[HTTPField.Name("RateLimit-Remaining")!])
            }
            #expect(remaining == ["2", "1", "0"])
            let refused = try await client.send(.post, "/api/v1/analytics/metrics", key: harness.keyA, json: batch(count: 1))
            #expect(refused.status == .tooManyRequests)
            #expect(refused.errorCode == "rate_limited")
            // One interval (20 s) of a 3-per-minute allowance, less the real time the requests took;
            // the exact arithmetic is checked on a manual clock in GCRARateLimiterTests.
            let retryAfter = try #require(refused.headers[.retryAfter].flatMap { Int($0) })
            let reset = try #require(refused.headers[HTTPField.Name("RateLimit-Reset")!].flatMap { Int($0) })
            #expect((1...20).contains(retryAfter), "Retry-After \(retryAfter)")
            #expect(reset >= retryAfter && reset <= 60, "RateLimit-Reset \(reset)")
            #expect(try await harness.store.metrics(organization: harness.organizationA).isEmpty, "a refused ingest stores nothing")
            // Another organization's key (premium tier) and the probes are not affected.
            #expect(try await client.send(.get, "/api/v1/analytics/metrics", key: harness.keyB).status == .ok)
            for _ in 0..<5 { #expect(try await client.send(.get, "/health", key: nil).status == .ok) }
            #expect(try await client.send(.get, "/ready", key: nil).headers[HTTPField.Name("RateLimit-Limit")!] == nil)
        }
    }
}
