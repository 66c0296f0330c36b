public import Foundation

/// A customer of ChurnGuard: the unit of tenancy.
public struct Organization: Sendable, Hashable, Codable {
    /// Stable identifier; every stored row carries it.
    public var id: OrganizationID
    /// Human-readable, unique name.
    public var name: String
    /// Service level.
    public var tier: Tier
    /// When the organization was created.
    public var createdAt: Date

    /// Creates an organization value.
    public init(id: OrganizationID, name: String, tier: Tier, createdAt: Date) {
        self.id = id
        self.name = name
        self.tier = tier
        self.createdAt = createdAt
    }
}
