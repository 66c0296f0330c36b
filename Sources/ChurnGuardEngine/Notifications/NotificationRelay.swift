public import ChurnGuardCore
public import ServiceLifecycle

/// Puts the anomalies, insights and recommendations published on the bus into the
/// notification outbox, where each organization's routes that take `anomaly.detected`,
/// `insight.generated` or `recommendation.created` pick them up. Runs until graceful shutdown.
///
/// The bus is published to only after the anomaly, insight or recommendation was stored, so the message tells
/// of something the API can show. Its subscription holds ``bufferCapacity`` events; beyond it
/// the bus drops the oldest and counts them (`churnguard_event_bus_dropped_total`). Committed
/// points are not subscribed to, so ingest never pushes an anomaly out of the buffer.
public struct NotificationRelay: Service {
    /// Events held while the outbox is busy.
    public static let bufferCapacity = 10_000

    let bus: any EventBus
    let outbox: NotificationOutbox

    /// Creates the relay from `bus` to `outbox`.
    public init(bus: any EventBus, outbox: NotificationOutbox) {
        self.bus = bus
        self.outbox = outbox
    }

    public func run() async throws {
        let subscription = bus.subscribe("notifications", bufferCapacity: Self.bufferCapacity, kinds: [.anomalyDetected, .insightsGenerated, .recommendationsCreated])
        await withGracefulShutdownHandler {
            for await event in subscription {
                for notification in Self.notifications(of: event) { await outbox.notify(notification) }
            }
        } onGracefulShutdown: {
            subscription.unsubscribe()
        }
    }

    /// The notification events of a bus event (none for committed points).
    public static func notifications(of event: BusEvent) -> [NotificationEvent] {
        switch event {
        case .anomalyDetected(let anomaly): [AnomalyNotification.event(for: anomaly)]
        case .insightsGenerated(let insights): insights.map(InsightNotification.event(for:))
        case .recommendationsCreated(let recommendations): recommendations.map(RecommendationNotification.event(for:))
        case .pointsCommitted: []
        }
    }
}
