public import ChurnGuardCore
public import Foundation

/// The identity role: organizations and their API keys (hashes only, never a key).
/// Checked by `StoreConformance.organizationCases`.
public protocol OrganizationStore: Sendable {
    /// Stores a new organization.
    /// - Throws: ``StoreError/conflict(_:)`` when the name is taken.
    func createOrganization(_ organization: Organization) async throws

    /// The organization with this identifier, if any.
    func organization(id: OrganizationID) async throws -> Organization?

    /// The organization with this name, if any.
    func organization(named name: String) async throws -> Organization?

    /// Every organization, by name (the real-time engine's start-up rebuild walks them).
    func allOrganizations() async throws -> [Organization]

    /// Stores a new key record (its hash, never the key).
    func createApiKey(_ record: ApiKeyRecord) async throws

    /// The key record with this public identifier, revoked or not.
    func apiKey(id: String) async throws -> ApiKeyRecord?

    /// Every key of an organization, newest first.
    func apiKeys(organization: OrganizationID) async throws -> [ApiKeyRecord]

    /// Marks a key revoked; returns `false` when no active key has this identifier.
    func revokeApiKey(id: String, at date: Date) async throws -> Bool
}
