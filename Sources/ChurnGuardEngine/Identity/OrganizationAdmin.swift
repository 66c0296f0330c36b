public import ChurnGuardCore
public import ChurnGuardStorage
public import Foundation

/// Organization and API-key management behind `churnguard org`, `churnguard apikey` and the
/// `/api/v1/api-keys` routes: the one place keys are minted, listed and revoked.
public struct OrganizationAdmin: Sendable {
    let store: any OrganizationStore

    /// Manages organizations in `store`.
    public init(store: any OrganizationStore) { self.store = store }

    /// A new organization and its first key; the key text exists only in this value.
    public struct Created: Sendable {
        /// The stored organization.
        public let organization: Organization
        /// The whole API key, to show once.
        public let apiKey: String
        /// The key's public identifier.
        public let keyID: String
    }

    /// Creates an organization with one key of the same tier.
    /// - Throws: ``ServiceError`` for a bad name, ``StoreError/conflict(_:)`` when it exists.
    public func createOrganization(name: String, tier: Tier, now: Date = Date()) async throws -> Created {
        let trimmed = name.trimmingCharacters(in: .whitespaces)
        guard !trimmed.isEmpty, trimmed.count <= 100, !trimmed.unicodeScalars.contains(where: { $0.value < 32 }) else {
            throw ServiceError(.validation, code: "invalid_name", message: "organization name must be 1–100 printable characters")
        }
        let organization = Organization(id: .random(), name: trimmed, tier: tier, createdAt: now)
        try await store.createOrganization(organization)
        let key = try await createKey(organization: organization.id, tier: tier, name: "initial", now: now)
        return Created(organization: organization, apiKey: key.apiKey, keyID: key.record.id)
    }

    /// A freshly minted key: the record as stored and the key text to show once.
    public struct MintedKey: Sendable {
        /// What is stored.
        public let record: ApiKeyRecord
        /// The whole key.
        public let apiKey: String
    }

    /// Mints a key for an existing organization, with `scopes` (every scope by default) and
    /// `tier` (the organization's by default).
    /// - Throws: ``ServiceError`` `notFound` when the organization does not exist, 422 for a
    ///   bad name, or, with `capAtOrganizationTier` (a tenant asking, not an operator), a tier
    ///   above the organization's.
    public func createKey(organization: OrganizationID, tier: Tier?, name: String?, scopes: Set<Scope> = Scope.all,
                          capAtOrganizationTier: Bool = false, now: Date = Date()) async throws -> MintedKey {
        guard let existing = try await store.organization(id: organization) else {
            throw ServiceError(.notFound, code: "organization_not_found", message: "no organization with id \(organization)")
        }
        if let name {
            guard !name.isEmpty, name.count <= 100, !name.unicodeScalars.contains(where: { $0.value < 32 || $0.value == 127 }) else {
                throw ServiceError(.validation, code: "invalid_name", message: "name: must be 1–100 printable characters")
            }
        }
        guard !scopes.isEmpty else {
            throw ServiceError(.validation, code: "invalid_scope", message: "scopes: at least one of ingest, read, admin is required")
        }
        let chosenTier = tier ?? existing.tier
        if capAtOrganizationTier, chosenTier.rank > existing.tier.rank {
            throw ServiceError(.validation, code: "invalid_tier",
                               message: "tier: '\(chosenTier.rawValue)' is above this organization's tier '\(existing.tier.rawValue)'")
        }
        let minted = ApiKeyCodec.mint()
        let record = ApiKeyRecord(id: minted.id, organizationID: organization, keyHash: minted.hash,
                                  tier: chosenTier, scopes: scopes, name: name, createdAt: now)
        try await store.createApiKey(record)
        return MintedKey(record: record, apiKey: minted.key)
    }

    /// Every key of an organization (hashes only).
    public func listKeys(organization: OrganizationID) async throws -> [ApiKeyRecord] {
        guard try await store.organization(id: organization) != nil else {
            throw ServiceError(.notFound, code: "organization_not_found", message: "no organization with id \(organization)")
        }
        return try await store.apiKeys(organization: organization)
    }

    /// Revokes a key by its identifier; with `organization`, only a key of that organization
    /// (another organization's key is reported as not found, never revealed).
    /// - Throws: ``ServiceError`` `notFound` when no active key has that identifier.
    public func revokeKey(id: String, organization: OrganizationID? = nil, now: Date = Date()) async throws {
        if let organization {
            guard let record = try await store.apiKey(id: id), record.organizationID == organization, record.isActive else {
                throw ServiceError(.notFound, code: "api_key_not_found", message: "no active API key with id \(id)")
            }
        }
        guard try await store.revokeApiKey(id: id, at: now) else {
            throw ServiceError(.notFound, code: "api_key_not_found", message: "no active API key with id \(id)")
        }
    }
}
