public import ChurnGuardCore
public import ChurnGuardStorage
public import Foundation
import PostgresNIO

extension PostgresStore: OrganizationStore {
    public func createOrganization(_ organization: Organization) async throws {
        do {
            try await transaction(.schema) { connection, logger in
                _ = try await connection.query("""
                    INSERT INTO organizations (id, name, tier, created_at)
                    VALUES (\(organization.id.uuid), \(organization.name), \(organization.tier.rawValue), \(organization.createdAt))
                    """, logger: logger)
            }
        } catch StoreError.conflict {
            throw StoreError.conflict("an organization named '\(organization.name)' already exists")
        }
    }

    public func organization(id: OrganizationID) async throws -> Organization? {
        try await transaction(.schema) { connection, logger in
            try await Self.organizations(connection.query(
                "SELECT id, name, tier, created_at FROM organizations WHERE id = \(id.uuid)", logger: logger)).first
        }
    }

    public func organization(named name: String) async throws -> Organization? {
        try await transaction(.schema) { connection, logger in
            try await Self.organizations(connection.query(
                "SELECT id, name, tier, created_at FROM organizations WHERE name = \(name)", logger: logger)).first
        }
    }

    public func allOrganizations() async throws -> [Organization] {
        try await transaction(.schema) { connection, logger in
            try await Self.organizations(connection.query(
                "SELECT id, name, tier, created_at FROM organizations ORDER BY name", logger: logger))
        }
    }

    public func createApiKey(_ record: ApiKeyRecord) async throws {
        try await transaction(.tenant(record.organizationID)) { connection, logger in
            _ = try await connection.query("""
                INSERT INTO api_keys (id, organization_id, key_hash, tier, scopes, name, created_at, revoked_at)
                VALUES (\(record.id), \(record.organizationID.uuid), \(Data(record.keyHash)), \(record.tier.rawValue),
                        \(ChurnGuardCore.Scope.format(record.scopes)), \(record.name), \(record.createdAt), \(record.revokedAt))
                """, logger: logger)
        }
    }

    /// Looks a key up by its public identifier in the system scope: the caller's
    /// organization is not known until the key is found.
    public func apiKey(id: String) async throws -> ApiKeyRecord? {
        try await transaction(.system) { connection, logger in
            try await Self.apiKeys(connection.query(
                "SELECT id, organization_id, key_hash, tier, name, created_at, revoked_at, scopes FROM api_keys WHERE id = \(id)",
                logger: logger)).first
        }
    }

    public func apiKeys(organization: OrganizationID) async throws -> [ApiKeyRecord] {
        try await transaction(.tenant(organization)) { connection, logger in
            try await Self.apiKeys(connection.query("""
                SELECT id, organization_id, key_hash, tier, name, created_at, revoked_at, scopes FROM api_keys
                WHERE organization_id = \(organization.uuid) ORDER BY created_at DESC, id DESC
                """, logger: logger))
        }
    }

    /// Revokes by public identifier in the system scope (`churnguard apikey revoke KEY_ID`).
    public func revokeApiKey(id: String, at date: Date) async throws -> Bool {
        try await transaction(.system) { connection, logger in
            let rows = try await connection.query(
                "UPDATE api_keys SET revoked_at = \(date) WHERE id = \(id) AND revoked_at IS NULL RETURNING id", logger: logger)
            var revoked = false
            for try await _ in rows.decode(String.self) { revoked = true }
            return revoked
        }
    }

    private static func organizations(_ rows: PostgresRowSequence) async throws -> [Organization] {
        var result: [Organization] = []
        for try await (id, name, tier, createdAt) in rows.decode((UUID, String, String, Date).self) {
            guard let tier = Tier(rawValue: tier) else { continue }
            result.append(Organization(id: OrganizationID(id), name: name, tier: tier, createdAt: createdAt))
        }
        return result
    }

    private static func apiKeys(_ rows: PostgresRowSequence) async throws -> [ApiKeyRecord] {
        var result: [ApiKeyRecord] = []
        let columns = (String, UUID, Data, String, String?, Date, Date?, String).self
        for try await (id, organization, hash, tier, name, createdAt, revokedAt, scopes) in rows.decode(columns) {
            guard let tier = Tier(rawValue: tier) else { continue }
            result.append(ApiKeyRecord(id: id, organizationID: OrganizationID(organization), keyHash: Array(hash), tier: tier,
                                       scopes: ChurnGuardCore.Scope.stored(scopes), name: name, createdAt: createdAt, revokedAt: revokedAt))
        }
        return result
    }
}
