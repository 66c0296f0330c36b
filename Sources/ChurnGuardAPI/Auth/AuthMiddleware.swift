import ChurnGuardCore
import Hummingbird

/// Authenticates `/api/` requests through the ``Authenticator`` and records who the caller
/// is in the request context (and its log metadata: organization and key id, never the key).
struct AuthMiddleware: RouterMiddleware {
    typealias Context = AppRequestContext

    let authenticator: Authenticator

    func handle(_ request: Request, context: AppRequestContext, next: (Request, AppRequestContext) async throws -> Response) async throws -> Response {
        let identity = try await authenticator.authenticate(try authenticator.credentials(in: request.headers))
        var context = context
        context.identity = identity
        context.observation.organization = identity.organization
        context.logger[metadataKey: "organization_id"] = "\(identity.organization)"
        context.logger[metadataKey: "key_id"] = "\(identity.keyID)"
        return try await next(request, context)
    }
}
