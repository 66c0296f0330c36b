public import Foundation

/// What the store keeps of an API key: never the key itself, only its hash.
public struct ApiKeyRecord: Sendable, Hashable {
    /// Identifier used to list and revoke the key (its public prefix).
    public var id: String
    /// The organization the key authenticates as.
    public var organizationID: OrganizationID
    /// SHA-256 of the whole key text.
    public var keyHash: [UInt8]
    /// Rate-limit tier of requests made with this key.
    public var tier: Tier
    /// What the key may do; keys made before scopes existed have every scope.
    public var scopes: Set<Scope>
    /// Optional label chosen by the operator.
    public var name: String?
    /// When it was created.
    public var createdAt: Date
    /// When it was revoked; a revoked key no longer authenticates.
    public var revokedAt: Date?

    /// Creates a record.
    public init(
        id: String, organizationID: OrganizationID, keyHash: [UInt8], tier: Tier,
        scopes: Set<Scope> = Scope.all, name: String? = nil, createdAt: Date, revokedAt: Date? = nil
    ) {
        self.id = id
        self.organizationID = organizationID
        self.keyHash = keyHash
        self.tier = tier
        self.scopes = scopes
        self.name = name
        self.createdAt = createdAt
        self.revokedAt = revokedAt
    }

    /// Whether the key may still be used.
    public var isActive: Bool { revokedAt == nil }
}
