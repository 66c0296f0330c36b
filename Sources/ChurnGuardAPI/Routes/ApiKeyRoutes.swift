import ChurnGuardCore
import ChurnGuardEngine
import ChurnGuardStorage
import Foundation
import Hummingbird

/// `/api/v1/api-keys`: an organization manages its own keys (admin scope): list them, mint one
/// (shown once), revoke one. A revocation made here takes effect at once in this replica and
/// within `security.key_cache_ttl_seconds` in the others.
struct ApiKeyRoutes {
    let admin: OrganizationAdmin
    let authenticator: Authenticator

    struct KeyList: Encodable {
        let api_keys: [ApiKeySummary]
    }

    struct Created: Encodable {
        let key_id: String
        let tier: String
        let scopes: [String]
        let name: String?
        let created_at: String
        let api_key: String
    }

    /// The body of `POST /api/v1/api-keys`; every field optional, but a field given must have its
    /// type: `null` is not "absent" (the schema allows neither), so it is refused by name.
    struct CreateRequest: Decodable {
        let name: String?
        let tier: String?
        let scopes: [String]?
        /// The first field sent as `null`, if any.
        var nullField: String? = nil

        private enum CodingKeys: String, CodingKey { case name, tier, scopes }

        init(name: String?, tier: String?, scopes: [String]?) {
            self.name = name
            self.tier = tier
            self.scopes = scopes
        }

        init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            name = try container.decodeIfPresent(String.self, forKey: .name)
            tier = try container.decodeIfPresent(String.self, forKey: .tier)
            scopes = try container.decodeIfPresent([String].self, forKey: .scopes)
            for key in [CodingKeys.name, .tier, .scopes] where container.contains(key) {
                if try container.decodeNil(forKey: key) {
                    nullField = key.rawValue
                    break
                }
            }
        }
    }

    func register(on group: RouterGroup<OrganizationContext>) {
        group.get("api-keys") { _, context in
            let keys = try await admin.listKeys(organization: context.organization)
            return try JSONResponse.make(.ok, KeyList(api_keys: keys.map(ApiKeySummary.init)))
        }
        group.post("api-keys") { request, context in
            try await create(request, context: context)
        }
        group.delete("api-keys/:id") { _, context in
            let id = context.parameters.get("id") ?? ""
            try await admin.revokeKey(id: id, organization: context.organization)
            authenticator.forget(keyID: id)
            context.logger.notice("API key revoked", metadata: ["revoked_key_id": "\(id)"])
            return Response(status: .noContent)
        }
    }

    func create(_ request: Request, context: OrganizationContext) async throws -> Response {
        var request = request
        let body = try await request.collectBody(upTo: 16 * 1024)
        let input: CreateRequest
        if body.readableBytes == 0 {
            input = CreateRequest(name: nil, tier: nil, scopes: nil)
        } else {
            do {
                input = try JSONDecoder().decode(CreateRequest.self, from: Data(buffer: body))
            } catch {
                throw ServiceError(.malformed, code: "malformed_json",
                                   message: "the body must be a JSON object with optional name, tier and scopes")
            }
        }
        if let field = input.nullField {
            throw ServiceError(.validation, code: "invalid_\(field)",
                               message: "\(field): null is not accepted; leave the field out for its default")
        }
        var tier: Tier?
        if let name = input.tier {
            guard let parsed = Tier(rawValue: name) else {
                throw ServiceError(.validation, code: "invalid_tier", message: "tier: expected default, premium or enterprise")
            }
            tier = parsed
        }
        let scopes = try input.scopes.map { names throws(ServiceError) in try Scope.parse(names) } ?? Scope.all
        let minted = try await admin.createKey(organization: context.organization, tier: tier, name: input.name,
                                               scopes: scopes, capAtOrganizationTier: true)
        context.logger.notice("API key created", metadata: ["new_key_id": "\(minted.record.id)"])
        let record = minted.record
        return try JSONResponse.make(.created, Created(
            key_id: record.id, tier: record.tier.rawValue, scopes: record.scopes.sorted().map(\.rawValue), name: record.name,
            created_at: Timestamp(record.createdAt).description, api_key: minted.apiKey), headers: [.cacheControl: "no-store"])
    }
}
