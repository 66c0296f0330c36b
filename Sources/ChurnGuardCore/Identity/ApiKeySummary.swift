public import Foundation

/// What anyone listing keys may see of one (`apikey list`, `GET /api/v1/api-keys`): its public
/// id, tier, scopes and dates; never the key or its hash. One shape for the CLI and the API.
public struct ApiKeySummary: Encodable, Sendable, Equatable {
    /// The key's public identifier.
    public let key_id: String
    /// Its rate-limit tier.
    public let tier: String
    /// Its scopes, in a fixed order.
    public let scopes: [String]
    /// The operator's label.
    public let name: String?
    /// When it was made (RFC 3339).
    public let created_at: String
    /// When it was revoked, if it was.
    public let revoked_at: String?

    /// The summary of `record`.
    public init(_ record: ApiKeyRecord) {
        key_id = record.id
        tier = record.tier.rawValue
        scopes = record.scopes.sorted().map(\.rawValue)
        name = record.name
        created_at = Timestamp(record.createdAt).description
        revoked_at = record.revokedAt.map { Timestamp($0).description }
    }
}
