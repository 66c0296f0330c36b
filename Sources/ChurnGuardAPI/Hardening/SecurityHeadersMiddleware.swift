import HTTPTypes
import Hummingbird

/// Adds the security headers to every answer, errors included: no framing, no content-type
/// sniffing, no referrer, the content security policy, and `Strict-Transport-Security` when
/// the request arrived over HTTPS. `X-XSS-Protection` is sent as `0`: the browsers' old XSS
/// auditor is itself a source of leaks, and the content security policy replaces it.
struct SecurityHeadersMiddleware<Context: RequestContext>: RouterMiddleware {
    let policy: HTTPPolicy
    let isHTTPS: @Sendable (Request, Context) -> Bool

    static var frameOptions: HTTPField.Name { HTTPField.Name("X-Frame-Options")! }
    static var contentTypeOptions: HTTPField.Name { HTTPField.Name("X-Content-Type-Options")! }
    static var xssProtection: HTTPField.Name { HTTPField.Name("X-XSS-Protection")! }
    static var referrerPolicy: HTTPField.Name { HTTPField.Name("Referrer-Policy")! }
    static var contentSecurityPolicy: HTTPField.Name { HTTPField.Name("Content-Security-Policy")! }
    static var strictTransportSecurity: HTTPField.Name { HTTPField.Name("Strict-Transport-Security")! }

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var response = try await next(request, context)
        response.headers[Self.frameOptions] = "DENY"
        response.headers[Self.contentTypeOptions] = "nosniff"
        response.headers[Self.xssProtection] = "0"
        response.headers[Self.referrerPolicy] = "no-referrer"
        response.headers[Self.contentSecurityPolicy] = policy.contentSecurityPolicy
        if policy.hstsMaxAgeSeconds > 0, isHTTPS(request, context) {
            response.headers[Self.strictTransportSecurity] = "max-age=\(policy.hstsMaxAgeSeconds); includeSubDomains"
        }
        return response
    }
}
