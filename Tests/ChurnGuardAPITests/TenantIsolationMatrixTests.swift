import ChurnGuardAPI
import ChurnGuardBootstrap
import ChurnGuardCore
import ChurnGuardEngine
import Foundation
import HTTPTypes
import HummingbirdTesting
import Testing

/// Every route the router knows × every kind of caller, generated from the application's own
/// route list so that a new route cannot escape it: the owner is served, another organization
/// never receives a byte of the owner's data, and every refusal has its documented status.
@Suite("Tenant isolation matrix over HTTP")
struct TenantIsolationMatrixTests {
    static let secret = String(repeating: "m", count: 48)
    /// Routes anyone may call; a new public route must be added here on purpose.
    /// `/metrics` is public by design (docs/OPERATIONS.md: bind it to `monitoring.metrics_port`).
    /// The dashboard's page and files are public and static (they read no organization's data).
    static let publicRoutes: Set<String> = ["GET /health", "GET /ready", "GET /openapi.yaml", "GET /metrics",
                                            "GET /", "GET /dashboard", "GET /static/{item}", "GET /static/{item}/{file}"]
    /// Values only organization A has: none may appear in an answer to anyone else.
    static let secretMetric = "secret_metric_of_a"
    static let secretTag = "customer-of-a-7f3e"

    /// The caller kinds of the matrix.
    enum Caller: String, CaseIterable {
        case owner, otherOrganization, noCredentials, garbageKey, expiredToken, revokedKey, missingScope
    }

    /// A concrete path for a route template, naming organization A's resources.
    static func path(for template: String, keyID: String) -> String {
        template.replacingOccurrences(of: "{name}", with: secretMetric).replacingOccurrences(of: "{id}", with: keyID)
    }

    /// A body for the route; `own` bodies carry A's markers, the others neutral values (so
    /// that what B stores of its own can never be mistaken for a leak).
    static func body(for method: String, template: String, own: Bool) -> String? {
        switch (method, template) {
        case ("POST", "/api/v1/analytics/metrics"):
            own ? batch(secretMetric, count: 1, tags: #"{"customer_id":"\#(secretTag)"}"#) : batch("neutral_metric", count: 1)
        case ("POST", "/api/v1/auth/token"): nil
        case ("GET", _), ("DELETE", _): nil
        default: "{}"
        }
    }

    @Test("every route × owner, other organization, no credentials, garbage key, expired token, revoked key, missing scope",
          arguments: TestBackend.durable)
    func matrix(_ backend: TestBackend) async throws {
        try await APITestHarness.run(backend: backend, configure: { $0.jwtSecretKey = Self.secret; $0.keyCacheTTLSeconds = 0 }) { harness, client in
            let admin = OrganizationAdmin(store: harness.store)
            let seeded = try await client.send(.post, "/api/v1/analytics/metrics", key: harness.keyA,
                                               json: batch(Self.secretMetric, count: 3, tags: #"{"customer_id":"\#(Self.secretTag)"}"#))
            #expect(seeded.status == .ok)
            let revoked = try await admin.createKey(organization: harness.organizationA, tier: nil, name: "revoked")
            try await admin.revokeKey(id: revoked.record.id)
            // A token that expired an hour ago, signed with the service's own secret.
            var settings = AccessTokens.Settings(secret: Self.secret)
            settings.lifetime = .seconds(3600)
            let past = try await AccessTokens(settings: settings) { Date().addingTimeInterval(-7200) }
            let keyA = try #require(ApiKeyCodec.identifier(of: harness.keyA))
            let expired = try await past.issue(for: AuthenticatedIdentity(organization: harness.organizationA, tier: .default, keyID: keyA)).token

            let tenantRoutes = harness.routes.filter { !Self.publicRoutes.contains($0) }
            #expect(tenantRoutes.allSatisfy { $0.split(separator: " ")[1].hasPrefix("/api/") },
                    "a route outside /api/ is neither public nor authenticated: \(tenantRoutes)")
            #expect(tenantRoutes.count >= 7, "\(harness.routes)")
            let markers = [Self.secretMetric, Self.secretTag, harness.organizationA.description, keyA]

            for route in tenantRoutes {
                let parts = route.split(separator: " ", maxSplits: 1).map(String.init)
                let method = HTTPRequest.Method(parts[0])!
                let template = parts[1]
                let requirement = RouteScopes.requirement(method: method, template: template)
                if method != .get && method != .head {
                    #expect(RouteScopes.isDeclared(method: method, template: template), "\(route) changes state but declares no scope")
                }
                // Each destructive call gets its own victim key, so the owner's own key survives.
                let victim = try await admin.createKey(organization: harness.organizationA, tier: nil, name: "victim")
                let path = Self.path(for: template, keyID: victim.record.id)
                let body = Self.body(for: parts[0], template: template, own: true)
                let neutralBody = Self.body(for: parts[0], template: template, own: false)

                for caller in Caller.allCases {
                    let response: TestResponse
                    switch caller {
                    case .owner:
                        response = try await client.send(method, path, key: harness.keyA, json: body)
                        #expect(![401, 403].contains(response.status.code) && response.status.code < 500,
                                "owner \(route): \(response.status) \(String(buffer: response.body))")
                    case .otherOrganization:
                        response = try await client.send(method, path, key: harness.keyB, json: neutralBody)
                        #expect(response.status.code < 500, "B \(route): \(response.status)")
                        let text = String(buffer: response.body)
                        // A name B put in the path may be echoed back; nothing else of A's may appear.
                        for marker in markers where !path.contains(marker) {
                            #expect(!text.contains(marker), "B's answer to \(route) holds A's \(marker): \(text)")
                        }
                        if template.hasPrefix("/api/v1/api-keys/") {
                            // The id is A's key: B must not learn it exists, let alone act on it.
                            #expect(response.status == .notFound, "B acting on A's \(route): \(response.status)")
                        } else if template.contains("{id}") {
                            // Ids of other kinds name nothing of A's here: B gets not found, a
                            // validation error, or acts within its own namespace; never A's data.
                            #expect([404, 422].contains(response.status.code) || response.status.code < 300,
                                    "B on \(route): \(response.status)")
                        }
                    case .noCredentials:
                        response = try await client.send(method, path, key: nil, json: body)
                        #expect(response.status == .unauthorized, "no credentials \(route)")
                    case .garbageKey:
                        response = try await client.send(method, path, key: "cg_AAAAAAAAAAAA_" + String(repeating: "B", count: 32), json: body)
                        #expect(response.status == .unauthorized, "garbage key \(route)")
                    case .expiredToken:
                        response = try await client.send(method, path, bearer: expired, json: body)
                        #expect(response.status == .unauthorized, "expired token \(route)")
                        #expect(response.errorCode == "invalid_token")
                    case .revokedKey:
                        response = try await client.send(method, path, key: revoked.apiKey, json: body)
                        #expect(response.status == .unauthorized, "revoked key \(route)")
                    case .missingScope:
                        guard case .scope(let needed) = requirement else { continue }
                        let lacking = try await admin.createKey(organization: harness.organizationA, tier: nil, name: "lacking",
                                                                scopes: Scope.all.subtracting([needed]))
                        response = try await client.send(method, path, key: lacking.apiKey, json: body)
                        #expect(response.status == .forbidden, "missing \(needed) on \(route): \(response.status)")
                        #expect(response.errorCode == "insufficient_scope")
                    }
                    if caller != .owner && caller != .otherOrganization {
                        // Refusals carry no data at all, not even an echo.
                        let text = String(buffer: response.body)
                        for marker in markers { #expect(!text.contains(marker), "\(caller) on \(route) got \(marker)") }
                    }
                }
            }
        }
    }
}
