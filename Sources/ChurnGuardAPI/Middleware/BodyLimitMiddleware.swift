import Hummingbird

/// Sets the framework's upload limit of every request to `api.max_body_bytes`, so a body is
/// never buffered beyond the configured size, whichever code reads it.
struct BodyLimitMiddleware: RouterMiddleware {
    typealias Context = AppRequestContext

    let maxBodyBytes: Int

    func handle(_ request: Request, context: AppRequestContext, next: (Request, AppRequestContext) async throws -> Response) async throws -> Response {
        var context = context
        context.maxUploadSize = maxBodyBytes
        return try await next(request, context)
    }
}
