public import ChurnGuardCore
public import ChurnGuardStorage
public import Foundation
import GRDB

extension SQLiteStore: OrganizationStore {
    public func createOrganization(_ organization: Organization) async throws {
        try await write { db in
            if try Bool.fetchOne(db, sql: "SELECT 1 FROM organizations WHERE name = ?", arguments: [organization.name]) == true {
                throw StoreError.conflict("an organization named '\(organization.name)' already exists")
            }
            try db.execute(sql: "INSERT INTO organizations (id, name, tier, created_at) VALUES (?, ?, ?, ?)",
                           arguments: [organization.id.description, organization.name, organization.tier.rawValue,
                                       Timestamp(organization.createdAt).microseconds])
        }
    }

    public func organization(id: OrganizationID) async throws -> Organization? {
        try await read { db in
            try Row.fetchOne(db, sql: "SELECT id, name, tier, created_at FROM organizations WHERE id = ?",
                             arguments: [id.description]).flatMap(Self.organization(from:))
        }
    }

    public func organization(named name: String) async throws -> Organization? {
        try await read { db in
            try Row.fetchOne(db, sql: "SELECT id, name, tier, created_at FROM organizations WHERE name = ?",
                             arguments: [name]).flatMap(Self.organization(from:))
        }
    }

    public func allOrganizations() async throws -> [Organization] {
        try await read { db in
            try Row.fetchAll(db, sql: "SELECT id, name, tier, created_at FROM organizations ORDER BY name")
                .compactMap(Self.organization(from:))
        }
    }

    public func createApiKey(_ record: ApiKeyRecord) async throws {
        try await write { db in
            try db.execute(sql: """
                INSERT INTO api_keys (id, organization_id, key_hash, tier, scopes, name, created_at, revoked_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                """, arguments: [record.id, record.organizationID.description, Data(record.keyHash), record.tier.rawValue,
                                 Scope.format(record.scopes), record.name, Timestamp(record.createdAt).microseconds,
                                 record.revokedAt.map { Timestamp($0).microseconds }])
        }
    }

    public func apiKey(id: String) async throws -> ApiKeyRecord? {
        // Every authenticated request runs this: a cached statement skips SQLite's parse and
        // GRDB's authorizer, which took ~7% of the server's CPU under small-request load
        // (docs/PERFORMANCE.md, "Small-request ingest and group commit").
        try await read { db in
            let statement = try db.cachedStatement(sql: Self.keyColumns + " WHERE id = ?")
            return try Row.fetchOne(statement, arguments: [id]).flatMap(Self.apiKey(from:))
        }
    }

    public func apiKeys(organization: OrganizationID) async throws -> [ApiKeyRecord] {
        try await read { db in
            try Row.fetchAll(db, sql: Self.keyColumns + " WHERE organization_id = ? ORDER BY created_at DESC, id DESC",
                             arguments: [organization.description]).compactMap(Self.apiKey(from:))
        }
    }

    public func revokeApiKey(id: String, at date: Date) async throws -> Bool {
        try await write { db in
            try db.execute(sql: "UPDATE api_keys SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL",
                           arguments: [Timestamp(date).microseconds, id])
            return db.changesCount > 0
        }
    }

    static let keyColumns = "SELECT id, organization_id, key_hash, tier, name, created_at, revoked_at, scopes FROM api_keys"

    static func organization(from row: Row) -> Organization? {
        guard let id = OrganizationID(row[0] as String), let tier = Tier(rawValue: row[2]) else { return nil }
        return Organization(id: id, name: row[1], tier: tier, createdAt: Timestamp(microseconds: row[3]).date)
    }

    static func apiKey(from row: Row) -> ApiKeyRecord? {
        guard let organization = OrganizationID(row[1] as String), let tier = Tier(rawValue: row[3]) else { return nil }
        let hash: Data = row[2]
        let revoked: Int64? = row[6]
        return ApiKeyRecord(id: row[0], organizationID: organization, keyHash: Array(hash), tier: tier,
                            scopes: Scope.stored(row[7]), name: row[4],
                            createdAt: Timestamp(microseconds: row[5]).date,
                            revokedAt: revoked.map { Timestamp(microseconds: $0).date })
    }
}
