import ChurnGuardBootstrap
import ChurnGuardCore
import ChurnGuardEngine
import Foundation
import HTTPTypes
import HummingbirdTesting
import HummingbirdWSClient
import Logging
import Testing

/// The stream's upgrade takes every credential `/api/` takes, plus `?token=` for browsers.
@Suite("Live stream credentials")
struct StreamCredentialsTests {
    static let secret = String(repeating: "w", count: 48)

    /// Whether an upgrade to `path` with `headers` is accepted (the server then says hello or
    /// at least keeps the connection until we close it).
    static func upgrades(port: Int, path: String = "/ws/v1/stream", headers: HTTPFields = [:]) async -> Bool {
        var configuration = WebSocketClientConfiguration()
        configuration.additionalHeaders = headers
        do {
            try await WebSocketClient.connect(url: "ws://127.0.0.1:\(port)\(path)", configuration: configuration,
                                              logger: StreamClient.logger) { _, outbound, _ in
                try await outbound.close(.normalClosure, reason: nil)
            }
            return true
        } catch {
            return false
        }
    }

    func token(_ client: some TestClientProtocol, key: String) async throws -> String {
        let answer = try await client.send(.post, "/api/v1/auth/token", key: key)
        return try #require(try answer.json["access_token"] as? String)
    }

    @Test("a bearer header or ?token= opens the stream; a revoked key's token, a key in the URL and a key without read do not")
    func credentials() async throws {
        try await APITestHarness.run(backend: .sqlite, configure: { $0.jwtSecretKey = Self.secret; $0.keyCacheTTLSeconds = 0 }) { harness, client in
            let port = try #require(client.port)
            let token = try await token(client, key: harness.keyA)
            var bearer = HTTPFields()
            bearer[.authorization] = "Bearer \(token)"
            #expect(await Self.upgrades(port: port, headers: bearer))
            #expect(await Self.upgrades(port: port, path: "/ws/v1/stream?token=\(token)"))
            #expect(!(await Self.upgrades(port: port, path: "/ws/v1/stream?token=\(harness.keyA)")), "an API key in a URL must be refused")
            #expect(!(await Self.upgrades(port: port, path: "/ws/v1/stream?token=not-a-token")))

            let admin = OrganizationAdmin(store: harness.store)
            let writer = try await admin.createKey(organization: harness.organizationA, tier: nil, name: "writer", scopes: [.ingest])
            var writerKey = HTTPFields()
            writerKey[HTTPField.Name("X-API-Key")!] = writer.apiKey
            #expect(!(await Self.upgrades(port: port, headers: writerKey)), "the stream needs the read scope")

            let temporary = try await admin.createKey(organization: harness.organizationA, tier: nil, name: "temp")
            let temporaryToken = try await self.token(client, key: temporary.apiKey)
            #expect(await Self.upgrades(port: port, path: "/ws/v1/stream?token=\(temporaryToken)"))
            try await admin.revokeKey(id: temporary.record.id)
            #expect(!(await Self.upgrades(port: port, path: "/ws/v1/stream?token=\(temporaryToken)")), "a revoked key's token")
        }
    }
}
