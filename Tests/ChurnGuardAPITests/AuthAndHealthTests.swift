import ChurnGuardEngine
import ChurnGuardBootstrap
import ChurnGuardCore
import ChurnGuardStorage
import HTTPTypes
import Foundation
import HummingbirdTesting
import Testing

@Suite("Authentication and probes over HTTP")
struct AuthAndHealthTests {
    @Test("no key, a malformed key, an unknown key and a revoked key are all 401", arguments: TestBackend.durable)
    func unauthorized(_ backend: TestBackend) async throws {
        // Without the verified-key cache a revocation takes effect at once (see AuthenticatorCacheTests).
        try await APITestHarness.run(backend: backend, configure: { $0.keyCacheTTLSeconds = 0 }) { harness, client in
            let missing = try await client.send(.get, "/api/v1/analytics/metrics", key: nil)
            #expect(missing.status == .unauthorized)
            #expect(missing.errorCode == "missing_api_key")
            // A valid key with its last character changed (to something it is not).
            let tampered = String(harness.keyA.dropLast()) + (harness.keyA.hasSuffix("x") ? "y" : "x")
            for key in ["nonsense", ApiKeyCodec.mint().key, tampered] {
                let response = try await client.send(.get, "/api/v1/analytics/metrics", key: key)
                #expect(response.status == .unauthorized, "\(key)")
                #expect(response.errorCode == "invalid_api_key")
            }
            let admin = OrganizationAdmin(store: harness.store)
            let extra = try await admin.createKey(organization: harness.organizationA, tier: nil, name: "temp")
            #expect(try await client.send(.get, "/api/v1/analytics/metrics", key: extra.apiKey).status == .ok)
            try await admin.revokeKey(id: extra.record.id)
            #expect(try await client.send(.get, "/api/v1/analytics/metrics", key: extra.apiKey).status == .unauthorized)
            let ingest = try await client.send(.post, "/api/v1/analytics/metrics", key: nil, json: batch(count: 1))
            #expect(ingest.status == .unauthorized)
        }
    }

    @Test("health, readiness and the OpenAPI document need no key", arguments: TestBackend.durable)
    func probes(_ backend: TestBackend) async throws {
        try await APITestHarness.run(backend: backend) { _, client in
            let health = try await client.send(.get, "/health", key: nil)
            #expect(health.status == .ok)
            #expect(try health.json["status"] as? String == "healthy")
            #expect(try (health.json["services"] as? [String: String])?["database"] == "healthy")
            #expect(try await client.send(.get, "/ready", key: nil).status == .ok)
            let document = try await client.send(.get, "/openapi.yaml", key: nil)
            #expect(document.status == .ok)
            let text = String(buffer: document.body)
            #expect(text.hasPrefix("openapi: 3"))
            #expect(text.contains("/api/v1/analytics/metrics"))
        }
    }

    @Test("unknown routes are a JSON 404", arguments: TestBackend.durable)
    func notFound(_ backend: TestBackend) async throws {
        try await APITestHarness.run(backend: backend) { harness, client in
            let response = try await client.send(.get, "/api/v1/nothing-here", key: harness.keyA)
            #expect(response.status == .notFound)
            #expect(response.errorCode == "not_found")
        }
    }

    @Test("readiness is 503 and ingest 503 when the store is down; liveness stays up")
    func storeDown() async throws {
        try await APITestHarness.run(backend: .memory) { harness, client in
            let memory = try #require(harness.store as? InMemoryStore)
            await memory.simulateFailure(.unavailable("disk gone"))
            #expect(try await client.send(.get, "/ready", key: nil).status == .serviceUnavailable)
            #expect(try await client.send(.get, "/health", key: nil).status == .ok)
            let ingest = try await client.send(.post, "/api/v1/analytics/metrics", key: harness.keyA, json: batch(count: 3))
            #expect(ingest.status == .serviceUnavailable)
            #expect(ingest.headers[.retryAfter] != nil)
            #expect(ingest.errorCode == "store_unavailable")
            await memory.simulateFailure(nil)
            #expect(try await client.send(.get, "/ready", key: nil).status == .ok)
        }
    }
}
