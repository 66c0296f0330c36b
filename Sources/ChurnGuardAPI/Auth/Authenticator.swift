public import ChurnGuardCore
public import ChurnGuardStorage
public import HTTPTypes

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
public struct Authenticator: Sendable {
    let store: any OrganizationStore
    /// Header carrying the API key.
    public let apiKeyHeader: HTTPField.Name

    /// Creates an authenticator reading keys from `store`.
    public init(store: any OrganizationStore, apiKeyHeader: HTTPField.Name) {
        self.store = store
        self.apiKeyHeader = apiKeyHeader
    }

    /// The credentials in `headers`.
    /// - Throws: 401 `missing_api_key` when there are none.
    public func credentials(in headers: HTTPFields) throws(ServiceError) -> Credentials {
        guard let presented = headers[apiKeyHeader], !presented.isEmpty else {
            throw ServiceError(.unauthorized, code: "missing_api_key", message: "send your API key in the \(apiKeyHeader.rawName) header")
        }
        return .apiKey(presented)
    }

    /// Who `credentials` belong to.
    /// - Throws: 401 `invalid_api_key` for an unknown, altered or revoked key; the store's
    ///   error when it cannot be asked.
    public func authenticate(_ credentials: Credentials) async throws -> AuthenticatedIdentity {
        switch credentials {
        case .apiKey(let presented):
            guard let id = ApiKeyCodec.identifier(of: presented),
                  let record = try await store.apiKey(id: id), record.isActive,
                  ApiKeyCodec.constantTimeEquals(record.keyHash, ApiKeyCodec.hash(presented))
            else {
                throw ServiceError(.unauthorized, code: "invalid_api_key", message: "the API key is not valid")
            }
            return AuthenticatedIdentity(organization: record.organizationID, tier: record.tier, keyID: record.id)
        }
    }
}
