public import ChurnGuardCore
public import HTTPTypes

/// Which scope each `/api/` route requires: the one table that decides it.
///
/// Routes are named by method and template, as the router reports them
/// (`/api/v1/analytics/metrics/{name}/points`). A route not listed here needs `read` when it
/// only reads (GET, HEAD) and `admin` otherwise, so a new route that forgets to declare itself
/// fails towards less access; the tenant-isolation suite checks that every route that changes
/// anything is listed.
public enum RouteScopes {
    /// What a route asks of the caller.
    public enum Requirement: Sendable, Equatable {
        /// One scope.
        case scope(Scope)
        /// Any authenticated caller (the token exchange: a token carries the key's own scopes).
        case authenticated
    }

    /// Routes that change something, with their scope; reads default to `read`.
    public static let declared: [String: Requirement] = [
        "POST /api/v1/analytics/metrics": .scope(.ingest),
        "POST /api/v1/auth/token": .authenticated,
        "GET /api/v1/api-keys": .scope(.admin),
        "POST /api/v1/api-keys": .scope(.admin),
        "DELETE /api/v1/api-keys/{id}": .scope(.admin),
        "PUT /api/v1/analytics/alert-rules": .scope(.admin),
        "DELETE /api/v1/analytics/alert-rules": .scope(.admin),
        "PUT /api/v1/analytics/alert-rules/{id}": .scope(.admin),
        "DELETE /api/v1/analytics/alert-rules/{id}": .scope(.admin),
        "POST /api/v1/analytics/alerts/{id}/ack": .scope(.read),
        "POST /api/v1/analytics/alerts/{id}/snooze": .scope(.read),
        "GET /api/v1/notifications/routes": .scope(.admin),
        "PUT /api/v1/notifications/routes": .scope(.admin),
        "POST /api/v1/notifications/test": .scope(.admin),
        "GET /api/v1/notifications/deliveries": .scope(.read),
        "POST /api/v1/analytics/anomalies/{id}/feedback": .scope(.read),
        "POST /api/v1/analytics/anomalies/detect": .scope(.read),
        // A run only recomputes what the caller may already read; bounded and one at a time.
        "POST /api/v1/insights/generate": .scope(.read),
        // Deciding on a recommendation is a user action on what the caller reads (like an ack).
        "POST /api/v1/recommendations/{id}/accept": .scope(.read),
        "POST /api/v1/recommendations/{id}/dismiss": .scope(.read),
    ]

    /// What `method` on the route `template` requires.
    public static func requirement(method: HTTPRequest.Method, template: String) -> Requirement {
        if let declared = declared["\(method.rawValue) \(template)"] { return declared }
        return method == .get || method == .head ? .scope(.read) : .scope(.admin)
    }

    /// Whether `method` on `template` is listed explicitly.
    public static func isDeclared(method: HTTPRequest.Method, template: String) -> Bool {
        declared["\(method.rawValue) \(template)"] != nil
    }
}
