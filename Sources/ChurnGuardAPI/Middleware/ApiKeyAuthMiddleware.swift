import HTTPTypes
import ChurnGuardCore
import ChurnGuardStorage
import Hummingbird

/// Authenticates `/api/` requests by API key and records who the caller is.
///
/// The key's public prefix finds the record; the SHA-256 of the presented key must match
/// the stored hash (compared in constant time) and the key must not be revoked. Every
/// failure is the same 401, so a caller learns nothing about which keys exist.
struct ApiKeyAuthMiddleware: RouterMiddleware {
    typealias Context = AppRequestContext

    let store: any OrganizationStore
    let headerName: HTTPField.Name

    func handle(_ request: Request, context: AppRequestContext, next: (Request, AppRequestContext) async throws -> Response) async throws -> Response {
        guard let presented = request.headers[headerName], !presented.isEmpty else {
            throw ServiceError(.unauthorized, code: "missing_api_key", message: "send your API key in the \(headerName.rawName) header")
        }
        guard let id = ApiKeyCodec.identifier(of: presented),
              let record = try await store.apiKey(id: id), record.isActive,
              ApiKeyCodec.constantTimeEquals(record.keyHash, ApiKeyCodec.hash(presented))
        else {
            throw ServiceError(.unauthorized, code: "invalid_api_key", message: "the API key is not valid")
        }
        var context = context
        context.identity = AuthenticatedIdentity(organization: record.organizationID, tier: record.tier, keyID: record.id)
        context.logger[metadataKey: "organization_id"] = "\(record.organizationID)"
        return try await next(request, context)
    }
}
