import ChurnGuardCore
import Hummingbird
import Metrics

/// Refuses, with 403 `insufficient_scope`, a caller whose credential lacks the scope the
/// matched route requires (``RouteScopes``). Runs after authentication, on `/api/` routes.
struct ScopeMiddleware: RouterMiddleware {
    typealias Context = AppRequestContext

    /// Where refusals are counted (the application's registry).
    let metricsFactory: any MetricsFactory

    func handle(_ request: Request, context: AppRequestContext, next: (Request, AppRequestContext) async throws -> Response) async throws -> Response {
        guard let identity = context.identity else { return try await next(request, context) }
        let template = context.endpointPath ?? request.uri.path
        if case .scope(let needed) = RouteScopes.requirement(method: request.method, template: template),
           !identity.scopes.contains(needed) {
            Counter(label: "churnguard_auth_failures_total", dimensions: [("reason", "insufficient_scope")], factory: metricsFactory).increment()
            throw ServiceError(.forbidden, code: "insufficient_scope",
                               message: "this \(identity.method == .token ? "token" : "API key") lacks the '\(needed.rawValue)' scope that \(request.method.rawValue) \(template) requires")
        }
        return try await next(request, context)
    }
}
