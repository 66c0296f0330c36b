import ChurnGuardCore
import ChurnGuardEngine
import HTTPTypes
import Hummingbird

/// Applies the caller's tier limit (`api.rate_limits`) per API key and reports it on every
/// answer: `RateLimit-Limit`, `RateLimit-Remaining`, `RateLimit-Reset` (seconds until the whole
/// allowance is back); a refused request gets 429 `rate_limited` with `Retry-After`. It runs
/// after authentication, on `/api/` routes only (`/health`, `/ready`, `/metrics` are never
/// limited, as in the guide's nginx configuration).
struct RateLimitMiddleware: RouterMiddleware {
    typealias Context = AppRequestContext

    let limiter: any RateLimiter
    let limits: [Tier: RateLimit]

    static let limitHeader = HTTPField.Name("RateLimit-Limit")!
    static let remainingHeader = HTTPField.Name("RateLimit-Remaining")!
    static let resetHeader = HTTPField.Name("RateLimit-Reset")!

    func handle(_ request: Request, context: AppRequestContext, next: (Request, AppRequestContext) async throws -> Response) async throws -> Response {
        guard let identity = context.identity, let limit = limits[identity.tier] else {
            return try await next(request, context)
        }
        let decision = await limiter.acquire(key: identity.keyID, limit: limit)
        var response: Response
        if decision.allowed {
            do {
                response = try await next(request, context)
            } catch {
                response = ErrorMiddleware<AppRequestContext>.errorResponse(error, context: context)
            }
        } else {
            response = ErrorMiddleware<AppRequestContext>.response(for: ServiceError(
                .rateLimited(retryAfterSeconds: decision.retryAfterSeconds), code: "rate_limited",
                message: "this key's tier allows \(limit.count) requests per \(limit.windowSeconds) s; retry after \(decision.retryAfterSeconds) s"))
        }
        response.headers[Self.limitHeader] = String(decision.limit)
        response.headers[Self.remainingHeader] = String(decision.remaining)
        response.headers[Self.resetHeader] = String(decision.resetSeconds)
        return response
    }
}
