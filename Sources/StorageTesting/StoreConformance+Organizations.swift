import ChurnGuardCore
public import ChurnGuardStorage
import Foundation

extension StoreConformance {
    /// The identity slice (``OrganizationStore``).
    public static let organizationCases: [Case<any OrganizationStore>] = [
        Case(name: "organizations are found by id and name; names are unique") { store in
            let acme = Fixture.organization("acme")
            try await store.createOrganization(acme)
            try check(try await store.organization(id: acme.id) == acme, "by id")
            try check(try await store.organization(named: "acme") == acme, "by name")
            try check(try await store.organization(named: "nobody") == nil, "unknown name")
            let zeta = Fixture.organization("zeta-listed")
            try await store.createOrganization(zeta)
            let listed = try await store.allOrganizations()
            try check(listed.contains(acme) && listed.contains(zeta), "every organization listed: \(listed.map(\.name))")
            try check(listed.map(\.name) == listed.map(\.name).sorted(), "listed by name")
            do {
                try await store.createOrganization(Fixture.organization("acme"))
                throw ConformanceFailure(description: "duplicate name accepted")
            } catch let error as StoreError {
                guard case .conflict = error else { throw ConformanceFailure(description: "expected conflict, got \(error)") }
            }
        },
        Case(name: "API keys are stored, listed newest first and revoked once") { store in
            let acme = Fixture.organization("acme-keys")
            try await store.createOrganization(acme)
            let first = ApiKeyRecord(id: "AAAAAAAAAAAA", organizationID: acme.id, keyHash: Array(repeating: 1, count: 32),
                                     tier: .premium, name: "ci", createdAt: Date(timeIntervalSince1970: 1_764_000_000))
            var second = first
            second.id = "BBBBBBBBBBBB"
            second.name = nil
            second.createdAt = Date(timeIntervalSince1970: 1_764_000_100)
            try await store.createApiKey(first)
            try await store.createApiKey(second)
            try check(try await store.apiKey(id: first.id) == first, "read back key")
            let listed = try await store.apiKeys(organization: acme.id).map(\.id)
            try check(listed == [second.id, first.id], "listing \(listed)")
            try check(try await store.apiKeys(organization: .random()).isEmpty, "other org sees keys")
            try check(try await store.revokeApiKey(id: first.id, at: Date(timeIntervalSince1970: 1_764_000_200)), "revoke")
            try check(try await store.revokeApiKey(id: first.id, at: Date()) == false, "second revoke must report false")
            try check(try await store.revokeApiKey(id: "ZZZZZZZZZZZZ", at: Date()) == false, "unknown key")
            let revoked = try await store.apiKey(id: first.id)
            try check(revoked?.isActive == false && revoked?.revokedAt == Date(timeIntervalSince1970: 1_764_000_200),
                      "revoked record \(String(describing: revoked))")
        },
    ]
}
