public import ChurnGuardEngine
public import ChurnGuardStorage
import ChurnGuardCore
import Foundation
import Hummingbird
import Logging
import Metrics

/// What the notification routes need: the store (routes, deliveries), the routing with the
/// configuration's defaults, and the outbox writer (test sends).
public struct NotificationsAPI: Sendable {
    /// Routes and the outbox.
    public var store: any NotificationStore
    /// Stored routes or the configuration's defaults.
    public var routing: NotificationRouting
    /// Queues test messages.
    public var outbox: NotificationOutbox

    /// Creates the dependencies.
    public init(store: any NotificationStore, routing: NotificationRouting, outbox: NotificationOutbox) {
        self.store = store
        self.routing = routing
        self.outbox = outbox
    }
}

extension NotificationsAPI {
    /// Over `store` alone: no default routes (for routers built without the composition root).
    static func standalone(_ store: any NotificationStore, factory: any MetricsFactory) -> NotificationsAPI {
        let routing = NotificationRouting(store: store, defaults: [])
        return NotificationsAPI(store: store, routing: routing,
                                outbox: NotificationOutbox(store: store, routing: routing, logger: Logger(label: "churnguard.notifications"),
                                                           metricsFactory: factory))
    }
}

/// `/api/v1/notifications/*`: the organization's routes (admin), a test send (admin) and
/// the list of deliveries with their failures (read). Scopes are declared in ``RouteScopes``.
struct NotificationRoutes {
    let api: NotificationsAPI
    let options: APIOptions

    func register(on tenant: RouterGroup<OrganizationContext>) {
        tenant.get("notifications/routes") { _, context in try await listRoutes(context) }
        tenant.put("notifications/routes") { request, context in try await replaceRoutes(request, context: context) }
        tenant.post("notifications/test") { request, context in try await sendTest(request, context: context) }
        tenant.get("notifications/deliveries") { request, context in try await deliveries(request, context: context) }
    }

    func listRoutes(_ context: OrganizationContext) async throws -> Response {
        let own = try await api.store.notificationRoutes(organization: context.organization)
        let routes = own ?? api.routing.defaults
        return try JSONResponse.make(.ok, RoutesOut(source: own == nil ? "default" : "organization", routes: routes.map(NotificationRouteJSON.Out.init)))
    }

    func replaceRoutes(_ request: Request, context: OrganizationContext) async throws -> Response {
        guard case .object(let body) = try await json(request, context), case .array(let items)? = body["routes"], body.count == 1 else {
            throw ServiceError(.validation, code: "invalid_routes", message: "send {\"routes\": [...]}",
                               details: [ErrorDetail(field: "routes", message: "must be a list of routes")])
        }
        guard items.count <= NotificationRouteJSON.maxRoutes else {
            throw ServiceError(.validation, code: "invalid_routes", message: "too many routes",
                               details: [ErrorDetail(field: "routes", message: "at most \(NotificationRouteJSON.maxRoutes) routes")])
        }
        let previous = Dictionary((try await api.store.notificationRoutes(organization: context.organization) ?? []).map { ($0.id, $0) },
                                  uniquingKeysWith: { first, _ in first })
        var problems: [ErrorDetail] = []
        var routes: [NotificationRoute] = []
        for (index, item) in items.enumerated() {
            guard case .object(let object) = item else {
                problems.append(ErrorDetail(index: index, field: "routes[\(index)]", message: "must be a route object"))
                continue
            }
            let id = object["id"]?.string ?? ""
            if let route = NotificationRouteJSON.parse(object, prefix: "routes[\(index)].", previous: previous[id], problems: &problems) {
                routes.append(route)
            }
        }
        if Set(routes.map(\.id)).count != routes.count {
            problems.append(ErrorDetail(field: "routes", message: "route ids must be unique"))
        }
        guard problems.isEmpty else {
            throw ServiceError(.validation, code: "invalid_routes", message: "invalid notification routes", details: Array(problems.prefix(100)))
        }
        try await api.store.replaceNotificationRoutes(routes, organization: context.organization, at: options.now())
        return try await listRoutes(context)
    }

    func sendTest(_ request: Request, context: OrganizationContext) async throws -> Response {
        var request = request
        let body = try await request.collectBody(upTo: context.maxUploadSize)
        var routeID: String?
        if body.readableBytes > 0 {
            guard case .object(let object) = try JSONValue.parse(Data(buffer: body)) else {
                throw ServiceError(.malformed, code: "malformed_json", message: "the body must be a JSON object")
            }
            if let raw = object["route_id"], raw != .null {
                guard let id = raw.string, NotificationRoute.isValidID(id) else {
                    throw ServiceError(.validation, code: "invalid_test", message: "invalid test request",
                                       details: [ErrorDetail(field: "route_id", message: "must be a route id")])
                }
                routeID = id
            }
        }
        let routes = try await api.routing.routes(for: context.organization)
        if let routeID, !routes.contains(where: { $0.id == routeID }) {
            throw ServiceError(.notFound, code: "not_found", message: "the organization has no route \(routeID)")
        }
        let queued = try await api.outbox.sendTest(organization: context.organization, routeID: routeID)
        guard !queued.isEmpty else {
            throw ServiceError(.conflict, code: "no_routes", message: "the organization has no enabled notification route to test")
        }
        return try JSONResponse.make(.accepted, ["queued": queued.map(OutboxMessageJSON.init)])
    }

    func deliveries(_ request: Request, context: OrganizationContext) async throws -> Response {
        let parameters = request.uri.queryParameters
        var query = OutboxQuery()
        var problems: [ErrorDetail] = []
        if let state = parameters.get("state") {
            if let value = OutboxState(rawValue: state) { query.states = [value] } else {
                problems.append(ErrorDetail(field: "state", message: "must be pending, delivered or failed"))
            }
        }
        if let text = parameters.get("limit") {
            if let limit = Int(text), (1...1000).contains(limit) { query.limit = limit } else {
                problems.append(ErrorDetail(field: "limit", message: "must be an integer from 1 to 1000"))
            }
        }
        guard problems.isEmpty else {
            throw ServiceError(.validation, code: "invalid_query", message: "invalid query parameters", details: problems)
        }
        let messages = try await api.store.notificationMessages(query, organization: context.organization)
        return try JSONResponse.make(.ok, ["deliveries": messages.map(OutboxMessageJSON.init)])
    }

    private func json(_ request: Request, _ context: OrganizationContext) async throws -> JSONValue {
        var request = request
        let body = try await request.collectBody(upTo: context.maxUploadSize)
        return try JSONValue.parse(Data(buffer: body))
    }

    struct RoutesOut: Encodable {
        let source: String
        let routes: [NotificationRouteJSON.Out]
    }
}
