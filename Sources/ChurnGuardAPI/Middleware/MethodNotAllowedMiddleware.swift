import ChurnGuardCore
import HTTPTypes
import Hummingbird
import Synchronization

/// The served routes' path templates with their methods, filled once the router is complete,
/// so a request whose path is served but not with its method can be told apart from a path
/// that is not served at all.
final class RouteMethodTable: Sendable {
    private struct Template {
        let segments: [Substring]
        let method: String
    }

    private let templates = Mutex<[Template]>([])

    /// Records every route of the finished router (`METHOD`, path template).
    func load(_ routes: [(method: String, path: String)]) {
        let parsed = routes.map { Template(segments: $0.path.split(separator: "/"), method: $0.method) }
        templates.withLock { $0 = parsed }
    }

    /// The methods some route serves `path` with, sorted; empty when no route has this path.
    /// When templates of different specificity match (`/anomalies/detect` and
    /// `/anomalies/{id}`), only the most specific count, as the router prefers a literal
    /// segment to a parameter.
    func methods(for path: String) -> [String] {
        let segments = path.split(separator: "/")
        let matching = templates.withLock { templates in
            templates.filter { Self.matches($0.segments, segments) }
        }
        let literals = { (template: Template) in template.segments.filter { !Self.isParameter($0) }.count }
        guard let best = matching.map(literals).max() else { return [] }
        return Array(Set(matching.filter { literals($0) == best }.map(\.method))).sorted()
    }

    private static func isParameter(_ segment: Substring) -> Bool {
        segment.hasPrefix("{") || segment.hasPrefix(":") || segment == "*"
    }

    private static func matches(_ template: [Substring], _ path: [Substring]) -> Bool {
        guard template.count == path.count else { return false }
        return zip(template, path).allSatisfy { pattern, segment in isParameter(pattern) || pattern == segment }
    }
}

/// Answers 405 `method_not_allowed` with an `Allow` header when the router found no route for
/// a request but its path is served with other methods (`TRACE /health`, `DELETE
/// /api/v1/analytics/metrics`); the router alone would say 404, which tells a client the
/// resource does not exist. A 404 from a route itself (an unknown alert id) is left alone.
struct MethodNotAllowedMiddleware: RouterMiddleware {
    typealias Context = AppRequestContext

    let table: RouteMethodTable

    func handle(_ request: Request, context: AppRequestContext, next: (Request, AppRequestContext) async throws -> Response) async throws -> Response {
        let response = try await next(request, context)
        guard response.status == .notFound, context.endpointPath?.hasPrefix("/") != true else { return response }
        let allowed = table.methods(for: request.uri.path).filter { $0 != request.method.rawValue }
        guard !allowed.isEmpty else { return response }
        var refused = ErrorMiddleware<AppRequestContext>.response(
            for: ServiceError(.malformed, code: "method_not_allowed",
                              message: "\(request.method.rawValue) is not served on this path; allowed: \(allowed.joined(separator: ", "))"),
            status: .methodNotAllowed)
        refused.headers[.allow] = allowed.joined(separator: ", ")
        return refused
    }
}
