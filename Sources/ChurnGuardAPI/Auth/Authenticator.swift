public import ChurnGuardCore
public import ChurnGuardStorage
public import HTTPTypes
public import Metrics

/// What a caller presented to prove who it is.
public enum Credentials: Sendable, Equatable {
    /// An API key (`cg_<id>_<secret>`), from the configured key header (or as a bearer value).
    case apiKey(String)
    /// An access token, from `Authorization: Bearer` (or `?token=` on the WebSocket upgrade).
    case bearer(String)
}

/// Turns request credentials into an identity: the one place that decides who a caller is,
/// shared by every HTTP route and the WebSocket upgrade.
///
/// An API key is found by its public identifier; the SHA-256 of the presented key must match
/// the stored hash (compared in constant time) and the key must not be revoked. Every
/// failure is the same `invalid_api_key`, so a caller learns nothing about which keys exist.
/// A key that passed is trusted for `security.key_cache_ttl_seconds` without another
/// database read (``VerifiedKeyCache``): that is how long a revocation made elsewhere takes.
///
/// An access token must be authentic and current (``AccessTokens``), and the key it was
/// exchanged for must still be active: the key's record is looked up (and cached for the same
/// TTL), so revoking a key stops its tokens within the same bound. A token's scopes are those
/// of its key at issue, narrowed by the key's scopes now.
public struct Authenticator: Sendable {
    let store: any OrganizationStore
    let cache: VerifiedKeyCache
    let tokenKeys: VerifiedKeyCache
    /// Issues and checks access tokens; `nil` when tokens are off.
    public let tokens: AccessTokens?
    /// Header carrying the API key.
    public let apiKeyHeader: HTTPField.Name

    /// Creates an authenticator reading keys from `store`, trusting a verified key for
    /// `cacheTTL` (zero: ask the store every time), remembering at most `cacheCapacity` keys.
    public init(store: any OrganizationStore, apiKeyHeader: HTTPField.Name, tokens: AccessTokens? = nil,
                cacheTTL: Duration = .zero, cacheCapacity: Int = 10_000, metricsFactory: any MetricsFactory = MetricsSystem.factory) {
        self.init(store: store, apiKeyHeader: apiKeyHeader, tokens: tokens,
                  cache: VerifiedKeyCache(ttl: cacheTTL, capacity: cacheCapacity, metricsFactory: metricsFactory),
                  tokenKeys: VerifiedKeyCache(ttl: cacheTTL, capacity: cacheCapacity, metricsFactory: metricsFactory))
    }

    init(store: any OrganizationStore, apiKeyHeader: HTTPField.Name, tokens: AccessTokens? = nil,
         cache: VerifiedKeyCache, tokenKeys: VerifiedKeyCache? = nil) {
        self.store = store
        self.apiKeyHeader = apiKeyHeader
        self.tokens = tokens
        self.cache = cache
        self.tokenKeys = tokenKeys ?? VerifiedKeyCache(ttl: cache.ttl, capacity: cache.capacity)
    }

    /// The credentials in `headers` (or, for the WebSocket upgrade, a `token` query value):
    /// `Authorization: Bearer` first, then the API key header.
    /// - Throws: 401 `missing_api_key` when there are none (the code predates tokens).
    public func credentials(in headers: HTTPFields, queryToken: String? = nil) throws(ServiceError) -> Credentials {
        if let authorization = headers[.authorization] {
            let parts = authorization.split(separator: " ", maxSplits: 1)
            guard parts.count == 2, parts[0].lowercased() == "bearer", !parts[1].isEmpty else {
                throw ServiceError(.unauthorized, code: "invalid_authorization",
                                   message: "the Authorization header must read 'Bearer <token>'")
            }
            return Self.classify(String(parts[1]))
        }
        if let presented = headers[apiKeyHeader], !presented.isEmpty {
            return .apiKey(presented)
        }
        if let queryToken, !queryToken.isEmpty {
            // Only access tokens travel in a URL (proxies log URLs); a key there is refused.
            return .bearer(queryToken)
        }
        throw ServiceError(.unauthorized, code: "missing_api_key",
                           message: "send your API key in the \(apiKeyHeader.rawName) header or an access token as 'Authorization: Bearer <token>'")
    }

    /// A bearer value shaped like an API key is used as one, so clients that only know
    /// bearer authentication can still send a key.
    static func classify(_ value: String) -> Credentials {
        value.hasPrefix(ApiKeyCodec.scheme + "_") ? .apiKey(value) : .bearer(value)
    }

    static let invalidKey = ServiceError(.unauthorized, code: "invalid_api_key", message: "the API key is not valid")

    /// Who `credentials` belong to.
    /// - Throws: 401 `invalid_api_key` for an unknown, altered or revoked key, 401
    ///   `invalid_token` for a token that is not valid or whose key was revoked; the store's
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
            let identity = Self.identity(of: record)
            cache.remember(identity, forKeyHash: hash)
            return identity
        case .bearer(let token):
            guard let tokens else {
                throw ServiceError(.unauthorized, code: "invalid_token", message: "access tokens are not enabled on this service")
            }
            let claims = try await tokens.verify(token)
            let key = try await activeKey(claims.sub.value)
            guard key.organization.description == claims.org else {
                throw AccessTokens.invalid("it does not match its key")
            }
            let granted = Set(claims.scope.split(separator: " ").compactMap { Scope(rawValue: String($0)) })
            return AuthenticatedIdentity(organization: key.organization, tier: key.tier, keyID: key.keyID,
                                         scopes: granted.intersection(key.scopes), method: .token)
        }
    }

    /// The identity of the still-active key `keyID`, from the cache or the store.
    private func activeKey(_ keyID: String) async throws -> AuthenticatedIdentity {
        let cacheKey = Array(keyID.utf8)
        if let known = tokenKeys.identity(forKeyHash: cacheKey) { return known }
        guard let record = try await store.apiKey(id: keyID), record.isActive else {
            throw AccessTokens.invalid("its API key was revoked")
        }
        let identity = Self.identity(of: record)
        tokenKeys.remember(identity, forKeyHash: cacheKey)
        return identity
    }

    static func identity(of record: ApiKeyRecord) -> AuthenticatedIdentity {
        AuthenticatedIdentity(organization: record.organizationID, tier: record.tier, keyID: record.id, scopes: record.scopes)
    }

    /// Forgets a key at once in this replica (after a revocation made here); other replicas
    /// forget it when their cache entry expires.
    public func forget(keyID: String) {
        cache.forget(keyID: keyID)
        tokenKeys.forget(keyID: keyID)
    }
}
