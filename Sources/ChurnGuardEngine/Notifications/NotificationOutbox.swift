public import ChurnGuardCore
public import ChurnGuardStorage
public import Logging
public import Metrics
public import Foundation

/// Puts events into the durable outbox: one message per event and matching route, keyed so
/// that queuing the same event again adds nothing.
///
/// Events arrive right after what caused them was stored (an alert transition). A store
/// that is down does not lose them: they wait in a bounded queue (``maxWaiting``, oldest
/// dropped and counted) and are retried by ``retryWaiting()`` (the evaluator's tick) and
/// before each new event.
public actor NotificationOutbox {
    /// Most events waiting for the store; beyond it the oldest are dropped (counted).
    public static let maxWaiting = 10_000

    let store: any NotificationStore
    let routing: NotificationRouting
    let now: @Sendable () -> Timestamp
    let makeID: @Sendable () -> String
    let logger: Logger
    let factory: any MetricsFactory
    var waiting: [NotificationEvent] = []
    var queued: [String: Counter] = [:]
    var failures: [String: Counter] = [:]

    /// Creates the outbox writer.
    public init(store: any NotificationStore, routing: NotificationRouting,
                now: @escaping @Sendable () -> Timestamp = { Timestamp(Date()) },
                makeID: @escaping @Sendable () -> String = { UUID().uuidString.lowercased() },
                logger: Logger, metricsFactory: any MetricsFactory = MetricsSystem.factory) {
        self.store = store
        self.routing = routing
        self.now = now
        self.makeID = makeID
        self.logger = logger
        factory = metricsFactory
    }

    /// Events not yet in the store (for tests and diagnostics).
    public var waitingCount: Int { waiting.count }

    /// Queues `event` for each of its organization's routes that takes it; returns the
    /// messages made (one already queued for the same event and route is not added again).
    /// A store failure keeps the event for a later retry.
    @discardableResult
    public func notify(_ event: NotificationEvent) async -> [OutboxMessage] {
        await notify([event])
    }

    /// Queues several events: per organization, its routes are read once and every message of
    /// its events is written in one transaction; returns the messages made. An organization
    /// whose write fails keeps its events for a later retry; the others are queued.
    @discardableResult
    public func notify(_ events: [NotificationEvent]) async -> [OutboxMessage] {
        await retryWaiting()
        var order: [OrganizationID] = []
        var byOrganization: [OrganizationID: [NotificationEvent]] = [:]
        for event in events {
            if byOrganization[event.organization] == nil { order.append(event.organization) }
            byOrganization[event.organization, default: []].append(event)
        }
        var made: [OutboxMessage] = []
        for organization in order {
            let events = byOrganization[organization] ?? []
            do {
                let routes = try await routing.routes(for: organization)
                made += try await write(events.map { event in (event, routes.filter { $0.accepts(event) }) }, organization: organization)
            } catch {
                for event in events { hold(event, error) }
            }
        }
        return made
    }

    /// Queues a test event for one route (or every enabled route when `routeID` is nil); the
    /// messages queued. Throws when the store fails (the caller answers 503).
    public func sendTest(organization: OrganizationID, routeID: String?) async throws -> [OutboxMessage] {
        let time = now()
        let id = makeID()
        let event = NotificationEvent(
            id: "test:\(id)", kind: .test, organization: organization, severity: .low, title: "ChurnGuard test notification",
            summary: "This is a test message sent through the API to check this route.", occurredAt: time, groupKey: "test/\(id)",
            facts: [.init("requested at", time.description)])
        let routes = try await routing.routes(for: organization).filter { routeID == nil ? $0.enabled : $0.id == routeID }
        return try await write(event, routes: routes)
    }

    /// Retries every waiting event, oldest first; stops at the first failure.
    public func retryWaiting() async {
        while let event = waiting.first {
            do {
                _ = try await write(event, routes: nil)
                waiting.removeFirst()
            } catch {
                return
            }
        }
    }

    private func write(_ event: NotificationEvent, routes given: [NotificationRoute]?) async throws -> [OutboxMessage] {
        let routes: [NotificationRoute]
        if let given { routes = given } else { routes = try await routing.routes(for: event.organization).filter { $0.accepts(event) } }
        return try await write([(event, routes)], organization: event.organization)
    }

    /// Writes one message per event and route, all of one organization, in one transaction.
    private func write(_ events: [(NotificationEvent, [NotificationRoute])], organization: OrganizationID) async throws -> [OutboxMessage] {
        let time = now()
        let messages = events.flatMap { event, routes in
            routes.map { route in
                OutboxMessage(id: makeID(), organization: organization, routeID: route.id, channel: route.channel, event: event,
                              nextAttemptAt: time, createdAt: time)
            }
        }
        guard !messages.isEmpty else { return [] }
        let added = try await store.enqueueNotifications(messages, organization: organization)
        if added > 0 {
            for message in messages {
                counter(&queued, MetricNames.notificationsQueued, message.channel.rawValue, message.event.kind.rawValue).increment()
            }
        }
        return messages
    }

    private func hold(_ event: NotificationEvent, _ error: any Error) {
        counter(&failures, MetricNames.notificationsEnqueueFailures, nil, event.kind.rawValue).increment()
        logger.warning("notification not queued yet; retried", metadata: [
            "event_id": "\(event.id)", "organization_id": "\(event.organization)", "error": "\(error)",
        ])
        if waiting.count >= Self.maxWaiting { waiting.removeFirst() }
        waiting.append(event)
    }

    private func counter(_ cache: inout [String: Counter], _ label: String, _ channel: String?, _ kind: String) -> Counter {
        let key = (channel ?? "") + " " + kind
        if let counter = cache[key] { return counter }
        var dimensions = [("kind", kind)]
        if let channel { dimensions.insert(("channel", channel), at: 0) }
        let counter = Counter(label: label, dimensions: dimensions, factory: factory)
        cache[key] = counter
        return counter
    }
}
