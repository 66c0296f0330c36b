import ChurnGuardCore
import Hummingbird
import Logging
import Metrics

/// Authenticates `/api/` requests through the ``Authenticator`` and records who the caller
/// is in the request context (and its log metadata: organization, key id and credential
/// kind, never the key or token). A refusal is counted by reason
/// (`churnguard_auth_failures_total{reason}`) and logged with the client's address.
struct AuthMiddleware: RouterMiddleware {
    typealias Context = AppRequestContext

    let authenticator: Authenticator
    /// Where refusals are counted (the application's registry).
    let metricsFactory: any MetricsFactory

    func handle(_ request: Request, context: AppRequestContext, next: (Request, AppRequestContext) async throws -> Response) async throws -> Response {
        let identity: AuthenticatedIdentity
        do {
            identity = try await authenticator.authenticate(try authenticator.credentials(in: request.headers))
        } catch let error as ServiceError where error.kind == .unauthorized {
            Counter(label: "churnguard_auth_failures_total", dimensions: [("reason", error.code)], factory: metricsFactory).increment()
            context.logger.warning("authentication refused", metadata: [
                "reason": "\(error.code)", "client": "\(ClientAddress.describe(context.remoteAddress))",
                "route": "\(context.endpointPath ?? request.uri.path)",
            ])
            throw error
        }
        var context = context
        context.identity = identity
        context.observation.organization = identity.organization
        context.logger[metadataKey: "organization_id"] = "\(identity.organization)"
        context.logger[metadataKey: "key_id"] = "\(identity.keyID)"
        context.logger[metadataKey: "auth"] = "\(identity.method.rawValue)"
        return try await next(request, context)
    }
}
