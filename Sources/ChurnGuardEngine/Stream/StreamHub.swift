public import ChurnGuardCore
public import Metrics
import Foundation
import Synchronization

/// Fans live messages out to stream connections, per organization and subscription.
///
/// A connection belongs to one organization (the authenticated caller's) and only ever
/// receives that organization's messages, for the metrics (and tag filters) it subscribed
/// to. Messages are encoded once and offered to every matching connection's bounded
/// ``StreamOutbox``; publishing never waits for a connection.
public final class StreamHub: Sendable {
    /// One metric subscription: the metric and the tags a series must carry.
    public struct Subscription: Hashable, Sendable {
        /// The metric name.
        public var metricName: String
        /// Every tag here must be on the series.
        public var tags: [String: String]

        /// Creates a subscription.
        public init(metricName: String, tags: [String: String] = [:]) {
            self.metricName = metricName
            self.tags = tags
        }

        func matches(metricName: String, tags: [String: String]) -> Bool {
            metricName == self.metricName && self.tags.allSatisfy { tags[$0.key] == $0.value }
        }
    }

    struct Connection {
        let outbox: StreamOutbox
        var subscriptions: Set<Subscription> = []
    }

    struct State {
        var nextID = 0
        var organizations: [OrganizationID: [Int: Connection]] = [:]
        var closed = false
    }

    /// Most subscriptions one connection may hold.
    public static let maxSubscriptionsPerConnection = 100

    /// Unsent messages each connection may hold before it is closed as a slow consumer.
    public let outboxCapacity: Int
    private let state = Mutex(State())
    private let connectionsGauge: Gauge
    private let messagesCounter: Counter
    private let slowCounter: Counter

    /// Creates a hub; each connection gets an outbox of `outboxCapacity` messages.
    public init(outboxCapacity: Int = 1024, metricsFactory: any MetricsFactory = MetricsSystem.factory) {
        self.outboxCapacity = outboxCapacity
        connectionsGauge = Gauge(label: "churnguard_stream_connections", factory: metricsFactory)
        messagesCounter = Counter(label: "churnguard_stream_messages_total", factory: metricsFactory)
        slowCounter = Counter(label: "churnguard_stream_slow_consumers_total", factory: metricsFactory)
    }

    /// Registers a connection of `organization`; `nil` once the hub is closed (shutting down).
    public func connect(organization: OrganizationID) -> (id: Int, outbox: StreamOutbox)? {
        let outbox = StreamOutbox(capacity: outboxCapacity)
        let result = state.withLock { state -> (Int, StreamOutbox, Int)? in
            guard !state.closed else { return nil }
            state.nextID += 1
            state.organizations[organization, default: [:]][state.nextID] = Connection(outbox: outbox)
            return (state.nextID, outbox, state.organizations.values.reduce(0) { $0 + $1.count })
        }
        guard let (id, outbox, count) = result else { return nil }
        connectionsGauge.record(count)
        return (id, outbox)
    }

    /// Forgets a connection.
    public func disconnect(id: Int, organization: OrganizationID) {
        let count = state.withLock { state -> Int in
            state.organizations[organization]?[id]?.outbox.finish()
            state.organizations[organization]?[id] = nil
            if state.organizations[organization]?.isEmpty == true { state.organizations[organization] = nil }
            return state.organizations.values.reduce(0) { $0 + $1.count }
        }
        connectionsGauge.record(count)
    }

    /// Adds subscriptions; returns `false` (adding none) past ``maxSubscriptionsPerConnection``.
    public func subscribe(id: Int, organization: OrganizationID, _ subscriptions: [Subscription]) -> Bool {
        state.withLock { state in
            guard let connection = state.organizations[organization]?[id] else { return false }
            guard connection.subscriptions.union(subscriptions).count <= Self.maxSubscriptionsPerConnection else { return false }
            state.organizations[organization]?[id]?.subscriptions.formUnion(subscriptions)
            return true
        }
    }

    /// Removes subscriptions (by metric and tags); a subscription not held is ignored.
    public func unsubscribe(id: Int, organization: OrganizationID, _ subscriptions: [Subscription]) {
        state.withLock { state in
            state.organizations[organization]?[id]?.subscriptions.subtract(subscriptions)
        }
    }

    /// The subscriptions of one connection.
    public func subscriptions(id: Int, organization: OrganizationID) -> Set<Subscription> {
        state.withLock { $0.organizations[organization]?[id]?.subscriptions ?? [] }
    }

    /// Whether any connection of `organization` exists.
    public func hasConnections(_ organization: OrganizationID) -> Bool {
        state.withLock { $0.organizations[organization] != nil }
    }

    /// Offers `message` (encoded once, lazily) to every connection of `organization`
    /// subscribed to the series; closes those that overflow.
    public func deliver(organization: OrganizationID, metricName: String, tags: [String: String], _ message: () -> String?) {
        let outboxes = state.withLock { state -> [StreamOutbox] in
            guard let connections = state.organizations[organization] else { return [] }
            return connections.values.compactMap { connection in
                connection.subscriptions.contains { $0.matches(metricName: metricName, tags: tags) } ? connection.outbox : nil
            }
        }
        guard !outboxes.isEmpty, let text = message() else { return }
        for outbox in outboxes {
            if outbox.offer(text) {
                messagesCounter.increment()
            } else if outbox.overflowed {
                slowCounter.increment()
            }
        }
    }

    /// The connections of `organization` and their subscriptions (for `stats` pushes).
    func subscribers(of organization: OrganizationID) -> [(StreamOutbox, Set<Subscription>)] {
        state.withLock { state in (state.organizations[organization] ?? [:]).values.map { ($0.outbox, $0.subscriptions) } }
    }

    /// Organizations with connections now.
    var organizations: [OrganizationID] { state.withLock { Array($0.organizations.keys) } }

    /// Refuses new connections and finishes every outbox (graceful shutdown: each connection
    /// then closes with ``StreamCloseCode/goingAway``).
    public func close() {
        let outboxes = state.withLock { state -> [StreamOutbox] in
            state.closed = true
            return state.organizations.values.flatMap { $0.values.map(\.outbox) }
        }
        for outbox in outboxes { outbox.finish() }
    }

    /// Whether ``close()`` was called.
    public var isClosed: Bool { state.withLock { $0.closed } }
}
