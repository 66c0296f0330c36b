import ChurnGuardBootstrap
import ChurnGuardCore
import ChurnGuardEngine
import Foundation
import HTTPTypes
import HummingbirdTesting
import Testing

@Suite("Tokens, scopes and key management over HTTP")
struct TokensAndScopesTests {
    static let secret = String(repeating: "k", count: 48)

    func token(_ client: some TestClientProtocol, key: String) async throws -> String {
        let response = try await client.send(.post, "/api/v1/auth/token", key: key)
        #expect(response.status == .ok)
        #expect(response.headers[.cacheControl] == "no-store")
        let json = try response.json
        #expect(json["token_type"] as? String == "bearer")
        #expect(json["expires_in"] as? Int == 3600)
        return try #require(json["access_token"] as? String)
    }

    @Test("a key is exchanged for a token that works wherever the key does, and cannot mint another", arguments: TestBackend.durable)
    func exchange(_ backend: TestBackend) async throws {
        try await APITestHarness.run(backend: backend, configure: { $0.jwtSecretKey = Self.secret }) { harness, client in
            let token = try await token(client, key: harness.keyA)
            let ingest = try await client.send(.post, "/api/v1/analytics/metrics", bearer: token, json: batch(count: 2))
            #expect(ingest.status == .ok)
            let listed = try await client.send(.get, "/api/v1/analytics/metrics", bearer: token)
            #expect(listed.status == .ok)
            #expect(String(buffer: listed.body).contains("churn_risk_score"))
            #expect(listed.headers[HTTPField.Name("RateLimit-Limit")!] != nil)
            let again = try await client.send(.post, "/api/v1/auth/token", bearer: token)
            #expect(again.status == .forbidden)
            #expect(again.errorCode == "api_key_required")
            // An API key sent as a bearer value is used as a key.
            #expect(try await client.send(.get, "/api/v1/analytics/metrics", bearer: harness.keyA).status == .ok)
            // B's token sees none of A's metrics.
            let other = try await self.token(client, key: harness.keyB)
            let otherList = try await client.send(.get, "/api/v1/analytics/metrics", bearer: other)
            #expect(!String(buffer: otherList.body).contains("churn_risk_score"))
            let garbage = try await client.send(.get, "/api/v1/analytics/metrics", bearer: "a.b.c")
            #expect(garbage.status == .unauthorized)
            #expect(garbage.errorCode == "invalid_token")
        }
    }

    @Test("a revoked key's tokens stop working: at once through the API, within the cache TTL otherwise", arguments: TestBackend.durable)
    func revokedKeyToken(_ backend: TestBackend) async throws {
        try await APITestHarness.run(backend: backend, configure: { $0.jwtSecretKey = Self.secret; $0.keyCacheTTLSeconds = 0 }) { harness, client in
            let admin = OrganizationAdmin(store: harness.store)
            let extra = try await admin.createKey(organization: harness.organizationA, tier: nil, name: "temp")
            let token = try await token(client, key: extra.apiKey)
            #expect(try await client.send(.get, "/api/v1/analytics/metrics", bearer: token).status == .ok)
            // Revoked outside this server (the CLI): with a TTL of 0 the next request sees it.
            try await admin.revokeKey(id: extra.record.id)
            let refused = try await client.send(.get, "/api/v1/analytics/metrics", bearer: token)
            #expect(refused.status == .unauthorized)
            #expect(refused.errorCode == "invalid_token")
        }
        try await APITestHarness.run(backend: backend, configure: { $0.jwtSecretKey = Self.secret; $0.keyCacheTTLSeconds = 3600 }) { harness, client in
            let admin = OrganizationAdmin(store: harness.store)
            let extra = try await admin.createKey(organization: harness.organizationA, tier: nil, name: "temp")
            let token = try await token(client, key: extra.apiKey)
            #expect(try await client.send(.get, "/api/v1/analytics/metrics", bearer: token).status == .ok)
            #expect(try await client.send(.get, "/api/v1/analytics/metrics", key: extra.apiKey).status == .ok)
            // Revoked through this server's API: both caches forget it at once, despite the hour-long TTL.
            #expect(try await client.send(.delete, "/api/v1/api-keys/\(extra.record.id)", key: harness.keyA).status == .noContent)
            #expect(try await client.send(.get, "/api/v1/analytics/metrics", bearer: token).status == .unauthorized)
            #expect(try await client.send(.get, "/api/v1/analytics/metrics", key: extra.apiKey).status == .unauthorized)
        }
    }

    @Test("each route needs its scope: 403 insufficient_scope otherwise, for keys and their tokens", arguments: TestBackend.durable)
    func scopes(_ backend: TestBackend) async throws {
        try await APITestHarness.run(backend: backend, configure: { $0.jwtSecretKey = Self.secret }) { harness, client in
            let admin = OrganizationAdmin(store: harness.store)
            let reader = try await admin.createKey(organization: harness.organizationA, tier: nil, name: "reader", scopes: [.read]).apiKey
            let writer = try await admin.createKey(organization: harness.organizationA, tier: nil, name: "writer", scopes: [.ingest]).apiKey
            let post = try await client.send(.post, "/api/v1/analytics/metrics", key: reader, json: batch(count: 1))
            #expect(post.status == .forbidden)
            #expect(post.errorCode == "insufficient_scope")
            #expect(try await client.send(.post, "/api/v1/analytics/metrics", key: writer, json: batch(count: 1)).status == .ok)
            #expect(try await client.send(.get, "/api/v1/analytics/metrics", key: writer).status == .forbidden)
            #expect(try await client.send(.get, "/api/v1/analytics/metrics", key: reader).status == .ok)
            #expect(try await client.send(.get, "/api/v1/api-keys", key: reader).status == .forbidden)
            let readerToken = try await token(client, key: reader)
            #expect(try await client.send(.post, "/api/v1/analytics/metrics", bearer: readerToken, json: batch(count: 1)).status == .forbidden)
            #expect(try await client.send(.get, "/api/v1/analytics/metrics", bearer: readerToken).status == .ok)
        }
    }

    @Test("an admin key lists, mints and revokes its organization's keys, and only those", arguments: TestBackend.durable)
    func keyManagement(_ backend: TestBackend) async throws {
        try await APITestHarness.run(backend: backend) { harness, client in
            let created = try await client.send(.post, "/api/v1/api-keys", key: harness.keyA,
                                                json: #"{"name":"ingest-bot","scopes":["ingest"]}"#)
            #expect(created.status == .created)
            let body = try created.json
            let newKey = try #require(body["api_key"] as? String)
            let newID = try #require(body["key_id"] as? String)
            #expect(body["scopes"] as? [String] == ["ingest"])
            #expect(body["tier"] as? String == "default")
            #expect(try await client.send(.post, "/api/v1/analytics/metrics", key: newKey, json: batch(count: 1)).status == .ok)
            #expect(try await client.send(.get, "/api/v1/analytics/metrics", key: newKey).status == .forbidden)

            let listed = try await client.send(.get, "/api/v1/api-keys", key: harness.keyA)
            #expect(listed.status == .ok)
            let text = String(buffer: listed.body)
            #expect(text.contains(newID))
            #expect(!text.contains(newKey))
            #expect(!text.contains("api_key\""))
            let keys = try #require(try listed.json["api_keys"] as? [[String: Any]])
            #expect(keys.count == 2)

            // Organization A is on the default tier: it cannot mint a premium key.
            let escalated = try await client.send(.post, "/api/v1/api-keys", key: harness.keyA, json: #"{"tier":"enterprise"}"#)
            #expect(escalated.status == .unprocessableContent)
            #expect(escalated.errorCode == "invalid_tier")
            let badScope = try await client.send(.post, "/api/v1/api-keys", key: harness.keyA, json: #"{"scopes":["root"]}"#)
            #expect(badScope.status == .unprocessableContent)
            #expect(badScope.errorCode == "invalid_scope")
            #expect(try await client.send(.post, "/api/v1/api-keys", key: harness.keyA, json: "{").status == .badRequest)
            // null is not "left out": the schema allows it for no field, so it is refused by name.
            for field in ["scopes", "tier", "name"] {
                let null = try await client.send(.post, "/api/v1/api-keys", key: harness.keyA, json: #"{"\#(field)":null}"#)
                #expect(null.status == .unprocessableContent, "\(field)")
                #expect(null.errorCode == "invalid_\(field)")
            }

            // B cannot see or revoke A's key; A's key keeps working.
            let foreignList = try await client.send(.get, "/api/v1/api-keys", key: harness.keyB)
            #expect(!String(buffer: foreignList.body).contains(newID))
            let foreignRevoke = try await client.send(.delete, "/api/v1/api-keys/\(newID)", key: harness.keyB)
            #expect(foreignRevoke.status == .notFound)
            #expect(try await client.send(.post, "/api/v1/analytics/metrics", key: newKey, json: batch(count: 1)).status == .ok)

            #expect(try await client.send(.delete, "/api/v1/api-keys/\(newID)", key: harness.keyA).status == .noContent)
            #expect(try await client.send(.post, "/api/v1/analytics/metrics", key: newKey, json: batch(count: 1)).status == .unauthorized)
            #expect(try await client.send(.delete, "/api/v1/api-keys/\(newID)", key: harness.keyA).status == .notFound)
        }
    }
}
