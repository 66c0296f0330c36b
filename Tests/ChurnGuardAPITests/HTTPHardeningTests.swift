import ChurnGuardBootstrap
import ChurnGuardCore
import Foundation
import HTTPTypes
import HummingbirdTesting
import Testing

@Suite("HTTP hardening: security headers, CORS, trusted hosts, HTTPS redirect")
struct HTTPHardeningTests {
    static let origin = HTTPField.Name("Origin")!
    static let allowOrigin = HTTPField.Name("Access-Control-Allow-Origin")!

    @Test("every answer, errors included, carries the security headers; HSTS only over HTTPS from a trusted proxy")
    func securityHeaders() async throws {
        try await APITestHarness.run(backend: .sqlite) { harness, client in
            let answers = [
                try await client.send(.get, "/health", key: nil),
                try await client.send(.get, "/api/v1/analytics/metrics", key: harness.keyA),
                try await client.send(.get, "/api/v1/analytics/metrics", key: nil),
                try await client.send(.get, "/nothing", key: nil),
            ]
            for answer in answers {
                #expect(answer.headers[HTTPField.Name("X-Frame-Options")!] == "DENY")
                #expect(answer.headers[HTTPField.Name("X-Content-Type-Options")!] == "nosniff")
                #expect(answer.headers[HTTPField.Name("X-XSS-Protection")!] == "0")
                #expect(answer.headers[HTTPField.Name("Content-Security-Policy")!]?.contains("default-src 'self'") == true)
                #expect(answer.headers[HTTPField.Name("Strict-Transport-Security")!] == nil)
            }
            var headers = HTTPFields()
            headers[HTTPField.Name("X-Forwarded-Proto")!] = "https"
            let forwarded = try await client.execute(uri: "/health", method: .get, headers: headers)
            #expect(forwarded.headers[HTTPField.Name("Strict-Transport-Security")!] == "max-age=31536000; includeSubDomains")
        }
    }

    @Test("CORS: nothing by default; a listed origin gets its preflight and headers, another is refused")
    func cors() async throws {
        try await APITestHarness.run(backend: .sqlite) { harness, client in
            var preflight = HTTPFields()
            preflight[Self.origin] = "https://evil.example"
            preflight[HTTPField.Name("Access-Control-Request-Method")!] = "GET"
            let refused = try await client.execute(uri: "/api/v1/analytics/metrics", method: .options, headers: preflight)
            #expect(refused.status == .forbidden)
            #expect(refused.headers[Self.allowOrigin] == nil)
        }
        try await APITestHarness.run(backend: .sqlite, configure: { $0.corsOrigins = ["https://app.example.com"] }) { harness, client in
            var preflight = HTTPFields()
            preflight[Self.origin] = "https://app.example.com"
            preflight[HTTPField.Name("Access-Control-Request-Method")!] = "POST"
            let allowed = try await client.execute(uri: "/api/v1/analytics/metrics", method: .options, headers: preflight)
            #expect(allowed.status == .noContent)
            #expect(allowed.headers[Self.allowOrigin] == "https://app.example.com")
            #expect(allowed.headers[HTTPField.Name("Access-Control-Allow-Headers")!]?.contains("X-API-Key") == true)
            #expect(allowed.headers[HTTPField.Name("Access-Control-Allow-Credentials")!] == nil)
            var get = HTTPFields()
            get[Self.origin] = "https://app.example.com"
            get[HTTPField.Name("X-API-Key")!] = harness.keyA
            let answer = try await client.execute(uri: "/api/v1/analytics/metrics", method: .get, headers: get)
            #expect(answer.status == .ok)
            #expect(answer.headers[Self.allowOrigin] == "https://app.example.com")
            #expect(answer.headers[HTTPField.Name("Vary")!] == "Origin")
            get[Self.origin] = "https://app.example.com.evil.example"
            let other = try await client.execute(uri: "/api/v1/analytics/metrics", method: .get, headers: get)
            #expect(other.headers[Self.allowOrigin] == nil)
        }
    }

    @Test("trusted hosts: another Host gets 400; probes answer any Host")
    func trustedHosts() async throws {
        try await APITestHarness.run(backend: .sqlite, configure: { $0.trustedHosts = ["api.example.com", "*.internal.example"] }) { harness, client in
            let port = try #require(client.port)
            func status(host: String, path: String) async throws -> String {
                let connection = try RawConnection(port: port)
                #expect(connection.send("GET \(path) HTTP/1.1\r\nHost: \(host)\r\nX-API-Key: \(harness.keyA)\r\nConnection: close\r\n\r\n"))
                return String((await connection.receive(within: 30) ?? "").prefix(12))
            }
            #expect(try await status(host: "api.example.com:8000", path: "/api/v1/analytics/metrics") == "HTTP/1.1 200")
            #expect(try await status(host: "eu.internal.example", path: "/api/v1/analytics/metrics") == "HTTP/1.1 200")
            #expect(try await status(host: "attacker.example", path: "/api/v1/analytics/metrics") == "HTTP/1.1 400")
            #expect(try await status(host: "internal.example", path: "/api/v1/analytics/metrics") == "HTTP/1.1 400")
            #expect(try await status(host: "attacker.example", path: "/health") == "HTTP/1.1 200")
        }
    }

    @Test("HTTPS redirect: plain HTTP gets 308; X-Forwarded-Proto counts only from a trusted proxy")
    func httpsRedirect() async throws {
        try await APITestHarness.run(backend: .sqlite, configure: { $0.httpsRedirect = true }) { harness, client in
            let plain = try await client.send(.get, "/api/v1/analytics/metrics?limit=5", key: harness.keyA)
            #expect(plain.status == .permanentRedirect)
            #expect(plain.headers[.location]?.hasPrefix("https://") == true)
            #expect(plain.headers[.location]?.hasSuffix("/api/v1/analytics/metrics?limit=5") == true)
            var headers = HTTPFields()
            headers[HTTPField.Name("X-Forwarded-Proto")!] = "https"
            headers[HTTPField.Name("X-API-Key")!] = harness.keyA
            // The test client connects from 127.0.0.1, a trusted proxy by default.
            let proxied = try await client.execute(uri: "/api/v1/analytics/metrics", method: .get, headers: headers)
            #expect(proxied.status == .ok)
            #expect(try await client.send(.get, "/health", key: nil).status == .ok)
        }
        try await APITestHarness.run(backend: .sqlite, configure: { $0.httpsRedirect = true; $0.trustedProxies = ["10.0.0.0/8"] }) { harness, client in
            var headers = HTTPFields()
            headers[HTTPField.Name("X-Forwarded-Proto")!] = "https"
            headers[HTTPField.Name("X-API-Key")!] = harness.keyA
            let spoofed = try await client.execute(uri: "/api/v1/analytics/metrics", method: .get, headers: headers)
            #expect(spoofed.status == .permanentRedirect)
        }
    }
}
