/// Hands engine events to whoever subscribed, after the fact.
///
/// Publishing is fire-and-forget: `publish` is synchronous, never suspends or blocks, and
/// never fails the publisher. A subscriber that cannot keep up loses events (counted on its
/// ``EventSubscription``) instead of slowing the publisher down; it notices by the gap in
/// ``CommittedPoints/sequence`` and warms up again from the store. The in-process
/// implementation is ``InProcessEventBus``; a cross-process one (Redis) can sit behind the
/// same protocol, feeding its subscribers through ``EventBuffer/offer(_:)``.
public protocol EventBus: Sendable {
    /// Hands `event` to every current subscriber without waiting for any of them.
    func publish(_ event: BusEvent)

    /// Starts a subscription receiving the events of `kinds` published from now on, buffering
    /// at most `bufferCapacity` unread events. `name` labels its drop counter
    /// (`churnguard_event_bus_dropped_total{subscriber=name}`). A subscriber that wants only
    /// anomalies never has its buffer filled, nor an anomaly pushed out, by committed points.
    func subscribe(_ name: String, bufferCapacity: Int, kinds: Set<BusEvent.Kind>) -> EventSubscription
}

extension EventBus {
    /// A subscription to every kind of event.
    public func subscribe(_ name: String, bufferCapacity: Int) -> EventSubscription {
        subscribe(name, bufferCapacity: bufferCapacity, kinds: Set(BusEvent.Kind.allCases))
    }

    /// A subscription with the default buffer of ``EventSubscription/defaultCapacity`` events.
    public func subscribe(_ name: String) -> EventSubscription {
        subscribe(name, bufferCapacity: EventSubscription.defaultCapacity)
    }
}
