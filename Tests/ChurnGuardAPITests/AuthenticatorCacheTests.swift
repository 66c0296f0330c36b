@testable import ChurnGuardAPI
import ChurnGuardEngine
import ChurnGuardBootstrap
import ChurnGuardCore
import ChurnGuardStorage
import Foundation
import HTTPTypes
import Synchronization
import Testing

/// An identity store that counts key lookups, over the in-memory store.
final class CountingKeyStore: OrganizationStore {
    let inner = InMemoryStore()
    private let lookups = Mutex(0)
    var lookupCount: Int { lookups.withLock { $0 } }

    func createOrganization(_ organization: Organization) async throws { try await inner.createOrganization(organization) }
    func organization(id: OrganizationID) async throws -> Organization? { try await inner.organization(id: id) }
    func organization(named name: String) async throws -> Organization? { try await inner.organization(named: name) }
    func allOrganizations() async throws -> [Organization] { try await inner.allOrganizations() }
    func createApiKey(_ record: ApiKeyRecord) async throws { try await inner.createApiKey(record) }
    func apiKey(id: String) async throws -> ApiKeyRecord? {
        lookups.withLock { $0 += 1 }
        return try await inner.apiKey(id: id)
    }
    func apiKeys(organization: OrganizationID) async throws -> [ApiKeyRecord] { try await inner.apiKeys(organization: organization) }
    func revokeApiKey(id: String, at date: Date) async throws -> Bool { try await inner.revokeApiKey(id: id, at: date) }
}

/// A monotonic clock moved by hand.
final class ManualTime: Sendable {
    private let current = Mutex(Duration.zero)
    var now: @Sendable () -> Duration { { [self] in self.current.withLock { $0 } } }
    func advance(_ by: Duration) { current.withLock { $0 += by } }
}

@Suite("Verified-key cache")
struct AuthenticatorCacheTests {
    let header = HTTPField.Name("X-API-Key")!

    func setUp(ttl: Duration, capacity: Int = 100) async throws -> (Authenticator, CountingKeyStore, ManualTime, OrganizationAdmin.Created) {
        let store = CountingKeyStore()
        let created = try await OrganizationAdmin(store: store).createOrganization(name: "acme", tier: .premium)
        let time = ManualTime()
        let authenticator = Authenticator(store: store, apiKeyHeader: header,
                                          cache: VerifiedKeyCache(ttl: ttl, capacity: capacity, now: time.now))
        return (authenticator, store, time, created)
    }

    @Test("a hot key costs one database read per TTL, not one per request")
    func hotKey() async throws {
        let (authenticator, store, time, created) = try await setUp(ttl: .seconds(30))
        for _ in 0..<100 {
            let identity = try await authenticator.authenticate(.apiKey(created.apiKey))
            #expect(identity.organization == created.organization.id && identity.tier == .premium)
        }
        #expect(store.lookupCount == 1)
        time.advance(.seconds(31))
        _ = try await authenticator.authenticate(.apiKey(created.apiKey))
        #expect(store.lookupCount == 2, "an expired entry is checked against the store again")
    }

    @Test("a revoked key stops working within the TTL, and at once without a cache")
    func revocationBound() async throws {
        let (authenticator, store, time, created) = try await setUp(ttl: .seconds(30))
        _ = try await authenticator.authenticate(.apiKey(created.apiKey))
        let keyID = try #require(ApiKeyCodec.identifier(of: created.apiKey))
        #expect(try await store.revokeApiKey(id: keyID, at: Date()))
        time.advance(.seconds(29))
        #expect(try await authenticator.authenticate(.apiKey(created.apiKey)).keyID == keyID, "still trusted inside the TTL")
        time.advance(.seconds(2))
        await #expect(throws: ServiceError.self) { try await authenticator.authenticate(.apiKey(created.apiKey)) }

        let (uncached, uncachedStore, _, other) = try await setUp(ttl: .zero)
        _ = try await uncached.authenticate(.apiKey(other.apiKey))
        #expect(try await uncachedStore.revokeApiKey(id: try #require(ApiKeyCodec.identifier(of: other.apiKey)), at: Date()))
        await #expect(throws: ServiceError.self) { try await uncached.authenticate(.apiKey(other.apiKey)) }
    }

    @Test("failures are never cached, so forged keys neither fill memory nor skip the check")
    func failuresNotCached() async throws {
        let (authenticator, store, _, created) = try await setUp(ttl: .seconds(30))
        let tampered = String(created.apiKey.dropLast()) + (created.apiKey.hasSuffix("x") ? "y" : "x")
        for _ in 0..<20 {
            await #expect(throws: ServiceError.self) { try await authenticator.authenticate(.apiKey(tampered)) }
            await #expect(throws: ServiceError.self) { try await authenticator.authenticate(.apiKey(ApiKeyCodec.mint().key)) }
        }
        #expect(store.lookupCount == 40, "every failed attempt asked the store")
        #expect(authenticator.cache.count == 0)
        _ = try await authenticator.authenticate(.apiKey(created.apiKey))
        #expect(authenticator.cache.count == 1)
    }

    @Test("the cache holds at most its capacity, dropping the oldest keys")
    func bounded() async throws {
        let store = CountingKeyStore()
        let admin = OrganizationAdmin(store: store)
        let created = try await admin.createOrganization(name: "many", tier: .default)
        let authenticator = Authenticator(store: store, apiKeyHeader: header,
                                          cache: VerifiedKeyCache(ttl: .seconds(60), capacity: 8, now: ManualTime().now))
        var keys = [created.apiKey]
        for index in 0..<19 { keys.append(try await admin.createKey(organization: created.organization.id, tier: nil, name: "k\(index)").apiKey) }
        for key in keys { _ = try await authenticator.authenticate(.apiKey(key)) }
        #expect(authenticator.cache.count == 8)
        let before = store.lookupCount
        _ = try await authenticator.authenticate(.apiKey(keys[19]))
        #expect(store.lookupCount == before, "the newest key is still remembered")
        _ = try await authenticator.authenticate(.apiKey(keys[0]))
        #expect(store.lookupCount == before + 1, "the oldest was dropped")
    }
}
