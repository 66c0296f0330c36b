import HTTPTypes
import Hummingbird

/// Adds the security headers to every answer, errors included: no framing, no content-type
/// sniffing, no referrer, the content security policy, and `Strict-Transport-Security` when
/// the request arrived over HTTPS. `X-XSS-Protection` is sent as `0`: the browsers' old XSS
/// auditor is itself a source of leaks, and the content security policy replaces it.
struct SecurityHeadersMiddleware<Context: RequestContext>: RouterMiddleware {
    let policy: HTTPPolicy
    let isHTTPS: @Sendable (Request, Context) -> Bool


    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var response = try await next(request, context)
        response.headers[SecurityHeaderNames.frameOptions] = "DENY"
        response.headers[SecurityHeaderNames.contentTypeOptions] = "nosniff"
        response.headers[SecurityHeaderNames.xssProtection] = "0"
        response.headers[SecurityHeaderNames.referrerPolicy] = "no-referrer"
        response.headers[SecurityHeaderNames.contentSecurityPolicy] = policy.contentSecurityPolicy
        if policy.hstsMaxAgeSeconds > 0, isHTTPS(request, context) {
            response.headers[SecurityHeaderNames.strictTransportSecurity] = "max-age=\(policy.hstsMaxAgeSeconds); includeSubDomains"
        }
        return response
    }
}
