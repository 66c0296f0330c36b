/// The stores of one running service, one per role, assembled once by the composition root
/// from configuration.
///
/// Consumers take the role they need (the ingest pipeline a ``MetricStore``, the
/// aggregation service a ``RollupStore``, authentication an ``OrganizationStore``), never a
/// concrete backend, so roles can live in different backends — points in one, state in
/// another — and a new kind of state is a new role added here, not a change to every
/// backend. Today one backend serves every role (``single(_:name:)``).
public struct Backends: Sendable {
    /// Name of the backend holding the points, shown by `/health` (e.g. `sqlite`).
    public let name: String
    /// Points: append, page, catalog.
    public let points: any MetricStore
    /// Hourly and daily rollups and retention.
    public let rollups: any RollupStore
    /// Organizations and API keys.
    public let identity: any OrganizationStore
    /// Alert rules, alerts and their history.
    public let alerts: any AlertStore
    /// Notification routes and the outbox.
    public let notifications: any NotificationStore
    /// Stored anomalies and the anomaly monitor's per-series state.
    public let anomalies: any AnomalyStore
    /// The anomaly monitors' bucket leases (how several monitors split the series).
    public let anomalyLeases: any AnomalyLeaseStore
    /// Generated insights.
    public let insights: any InsightStore
    /// Recommendations, their decisions and outcomes.
    public let recommendations: any RecommendationStore
    /// Migrations, readiness, storage preparation, start-up checks and shutdown of every
    /// distinct backend above.
    public let lifecycle: any StoreLifecycle

    /// Assembles roles that may come from different backends.
    public init(name: String, points: any MetricStore, rollups: any RollupStore, identity: any OrganizationStore,
                alerts: any AlertStore, notifications: any NotificationStore, anomalies: any AnomalyStore,
                anomalyLeases: any AnomalyLeaseStore, insights: any InsightStore, recommendations: any RecommendationStore, lifecycle: any StoreLifecycle) {
        self.name = name
        self.points = points
        self.rollups = rollups
        self.identity = identity
        self.alerts = alerts
        self.notifications = notifications
        self.anomalies = anomalies
        self.anomalyLeases = anomalyLeases
        self.insights = insights
        self.recommendations = recommendations
        self.lifecycle = lifecycle
    }

    /// The same roles with the notifications role replaced (e.g. wrapped to seal its secrets).
    public func replacing(notifications: any NotificationStore) -> Backends {
        Backends(name: name, points: points, rollups: rollups, identity: identity, alerts: alerts, notifications: notifications,
                 anomalies: anomalies, anomalyLeases: anomalyLeases, insights: insights, recommendations: recommendations, lifecycle: lifecycle)
    }

    /// Every role served by one backend.
    public static func single(_ store: some MetricStore & RollupStore & OrganizationStore & AlertStore & NotificationStore & AnomalyStore
                                & AnomalyLeaseStore & InsightStore & RecommendationStore & StoreLifecycle, name: String) -> Backends {
        Backends(name: name, points: store, rollups: store, identity: store, alerts: store, notifications: store,
                 anomalies: store, anomalyLeases: store, insights: store, recommendations: store, lifecycle: store)
    }
}
