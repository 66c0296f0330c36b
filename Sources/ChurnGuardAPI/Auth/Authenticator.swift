public import ChurnGuardCore
public import ChurnGuardStorage
public import HTTPTypes
public import Metrics

/// What a caller presented to prove who it is.
public enum Credentials: Sendable, Equatable {
    /// An API key (`cg_<id>_<secret>`), from the configured key header.
    case apiKey(String)
}

/// Turns request credentials into an identity: the one place that decides who a caller is,
/// shared by every HTTP route and (with the real-time stream) the WebSocket upgrade.
///
/// An API key is found by its public identifier; the SHA-256 of the presented key must match
/// the stored hash (compared in constant time) and the key must not be revoked. Every
/// failure is the same `invalid_api_key`, so a caller learns nothing about which keys exist.
/// A key that passed is trusted for `security.key_cache_ttl_seconds` without another
/// database read (``VerifiedKeyCache``): that is how long a revocation made elsewhere takes.
public struct Authenticator: Sendable {
    let store: any OrganizationStore
    let cache: VerifiedKeyCache
    /// Header carrying the API key.
    public let apiKeyHeader: HTTPField.Name

    /// Creates an authenticator reading keys from `store`, trusting a verified key for
    /// `cacheTTL` (zero: ask the store every time), remembering at most `cacheCapacity` keys.
    public init(store: any OrganizationStore, apiKeyHeader: HTTPField.Name, cacheTTL: Duration = .zero, cacheCapacity: Int = 10_000,
                metricsFactory: any MetricsFactory = MetricsSystem.factory) {
        self.init(store: store, apiKeyHeader: apiKeyHeader,
                  cache: VerifiedKeyCache(ttl: cacheTTL, capacity: cacheCapacity, metricsFactory: metricsFactory))
    }

    init(store: any OrganizationStore, apiKeyHeader: HTTPField.Name, cache: VerifiedKeyCache) {
        self.store = store
        self.apiKeyHeader = apiKeyHeader
        self.cache = cache
    }

    /// The credentials in `headers`.
    /// - Throws: 401 `missing_api_key` when there are none.
    public func credentials(in headers: HTTPFields) throws(ServiceError) -> Credentials {
        guard let presented = headers[apiKeyHeader], !presented.isEmpty else {
            throw ServiceError(.unauthorized, code: "missing_api_key", message: "send your API key in the \(apiKeyHeader.rawName) header")
        }
        return .apiKey(presented)
    }

    static let invalidKey = ServiceError(.unauthorized, code: "invalid_api_key", message: "the API key is not valid")

    /// Who `credentials` belong to.
    /// - Throws: 401 `invalid_api_key` for an unknown, altered or revoked key; the store's
    ///   error when it cannot be asked.
    public func authenticate(_ credentials: Credentials) async throws -> AuthenticatedIdentity {
        switch credentials {
        case .apiKey(let presented):
            guard let id = ApiKeyCodec.identifier(of: presented) else { throw Self.invalidKey }
            let hash = ApiKeyCodec.hash(presented)
            if let known = cache.identity(forKeyHash: hash) { return known }
            guard let record = try await store.apiKey(id: id), record.isActive,
                  ApiKeyCodec.constantTimeEquals(record.keyHash, hash)
            else {
                throw Self.invalidKey
            }
            let identity = AuthenticatedIdentity(organization: record.organizationID, tier: record.tier, keyID: record.id)
            cache.remember(identity, forKeyHash: hash)
            return identity
        }
    }
}
