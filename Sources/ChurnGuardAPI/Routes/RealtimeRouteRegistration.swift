public import ChurnGuardEngine
public import ChurnGuardStorage
import Hummingbird

/// What the real-time routes need: the live windows and the alert evaluator.
public struct RealtimeAPI: Sendable {
    /// The live windows.
    public var engine: RealtimeEngine
    /// Rules and alert actions (acknowledge, snooze) go through the evaluator, so its open
    /// alerts and the store stay in step.
    public var evaluator: AlertEvaluator
    /// Alert listings and history are read from the store.
    public var alerts: any AlertStore

    /// Creates the dependencies.
    public init(engine: RealtimeEngine, evaluator: AlertEvaluator, alerts: any AlertStore) {
        self.engine = engine
        self.evaluator = evaluator
        self.alerts = alerts
    }
}

/// Registers every real-time route on the authenticated tenant group. Their scopes are
/// declared with every other route's in ``RouteScopes``: `read` for the GETs and for
/// acknowledging or snoozing an alert (a user's action on what they can see), `admin` for
/// rule writes.
func registerRealtimeRoutes(on tenant: RouterGroup<OrganizationContext>, _ realtime: RealtimeAPI, options: APIOptions) {
    RealtimeRoutes(engine: realtime.engine, options: options).register(on: tenant)
    let alerts = AlertRoutes(evaluator: realtime.evaluator, store: realtime.alerts, options: options)
    tenant.get("analytics/alert-rules") { _, context in try await alerts.listRules(context) }
    tenant.put("analytics/alert-rules") { request, context in try await alerts.replaceRules(request, context: context) }
    tenant.put("analytics/alert-rules/:id") { request, context in try await alerts.putRule(request, context: context) }
    tenant.delete("analytics/alert-rules/:id") { _, context in try await alerts.deleteRule(context) }
    tenant.get("analytics/alerts") { request, context in try await alerts.listAlerts(request, context: context) }
    tenant.get("analytics/alerts/:id") { _, context in try await alerts.alert(context) }
    tenant.post("analytics/alerts/:id/ack") { request, context in try await alerts.acknowledge(request, context: context) }
    tenant.post("analytics/alerts/:id/snooze") { request, context in try await alerts.snooze(request, context: context) }
}
