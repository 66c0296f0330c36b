import ChurnGuardCore
import HTTPTypes
import Hummingbird

/// Cross-origin access for browsers, from `api.cors_origins` (nothing by default).
///
/// A preflight (`OPTIONS` with `Access-Control-Request-Method`) from an allowed origin is
/// answered 204 with the methods and headers the API uses; from any other origin it is
/// refused 403 `cors_origin_not_allowed`. Other requests from an allowed origin get
/// `Access-Control-Allow-Origin` (the origin itself, with `Vary: Origin`, or `*` when the list
/// is `*`). Credentials (cookies) are never allowed: the API authenticates by header, so a
/// page can only call it with a key or token it was given.
struct CORSPolicyMiddleware<Context: RequestContext>: RouterMiddleware {
    let policy: HTTPPolicy
    let apiKeyHeader: HTTPField.Name

    static var requestMethod: HTTPField.Name { HTTPField.Name("Access-Control-Request-Method")! }
    static var allowOrigin: HTTPField.Name { HTTPField.Name("Access-Control-Allow-Origin")! }
    static var allowMethods: HTTPField.Name { HTTPField.Name("Access-Control-Allow-Methods")! }
    static var allowHeaders: HTTPField.Name { HTTPField.Name("Access-Control-Allow-Headers")! }
    static var exposeHeaders: HTTPField.Name { HTTPField.Name("Access-Control-Expose-Headers")! }
    static var maxAge: HTTPField.Name { HTTPField.Name("Access-Control-Max-Age")! }
    static var vary: HTTPField.Name { HTTPField.Name("Vary")! }
    static var origin: HTTPField.Name { HTTPField.Name("Origin")! }

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let origin = request.headers[Self.origin]
        if request.method == .options, request.headers[Self.requestMethod] != nil {
            guard let origin, let allowed = allowedOrigin(origin) else {
                return ErrorMiddleware<Context>.response(for: ServiceError(
                    .forbidden, code: "cors_origin_not_allowed", message: "cross-origin requests from this origin are not allowed"))
            }
            var headers = HTTPFields()
            headers[Self.allowOrigin] = allowed
            headers[Self.allowMethods] = "GET, POST, PUT, DELETE"
            headers[Self.allowHeaders] = "Authorization, Content-Type, Idempotency-Key, X-Request-ID, \(apiKeyHeader.rawName)"
            headers[Self.maxAge] = "600"
            headers[Self.vary] = "Origin"
            return Response(status: .noContent, headers: headers)
        }
        var response = try await next(request, context)
        if let origin, let allowed = allowedOrigin(origin) {
            response.headers[Self.allowOrigin] = allowed
            response.headers[Self.exposeHeaders] = "RateLimit-Limit, RateLimit-Remaining, RateLimit-Reset, Retry-After, X-Request-ID"
            response.headers[Self.vary] = "Origin"
        }
        return response
    }

    /// The `Access-Control-Allow-Origin` value for `origin`, or `nil` when it is not allowed.
    func allowedOrigin(_ origin: String) -> String? {
        if policy.corsOrigins.contains("*") { return "*" }
        let normalized = origin.lowercased()
        return policy.corsOrigins.contains { $0.lowercased() == normalized } ? origin : nil
    }
}
