public import Metrics
import Synchronization

/// The in-process ``EventBus``: fans each event out to every subscriber's bounded buffer.
///
/// `publish` holds one lock while it offers the event to each buffer (a few dozen
/// nanoseconds each, never waiting for a consumer), so concurrent publishers' events reach
/// every subscriber in one and the same order.
public final class InProcessEventBus: EventBus {
    private struct State {
        var nextID = 0
        var subscribers: [Int: (kinds: Set<BusEvent.Kind>, buffer: EventBuffer)] = [:]
    }

    private let state = Mutex(State())
    private let metricsFactory: any MetricsFactory

    /// Creates a bus; drop counters go to `metricsFactory` (the global one by default).
    public init(metricsFactory: any MetricsFactory = MetricsSystem.factory) {
        self.metricsFactory = metricsFactory
    }

    /// Current subscribers (for tests and diagnostics).
    public var subscriberCount: Int { state.withLock { $0.subscribers.count } }

    /// Offers `event` to every subscriber; never blocks.
    public func publish(_ event: BusEvent) {
        state.withLock { state in
            let kind = event.kind
            for subscriber in state.subscribers.values where subscriber.kinds.contains(kind) { subscriber.buffer.offer(event) }
        }
    }

    /// A new subscription; it is forgotten again when it ends.
    public func subscribe(_ name: String, bufferCapacity: Int, kinds: Set<BusEvent.Kind>) -> EventSubscription {
        let id = state.withLock { state -> Int in
            state.nextID += 1
            return state.nextID
        }
        let buffer = EventBuffer(name: name, capacity: bufferCapacity, metricsFactory: metricsFactory) { [weak self] in
            self?.remove(id)
        }
        state.withLock { $0.subscribers[id] = (kinds, buffer) }
        return EventSubscription(buffer: buffer)
    }

    private func remove(_ id: Int) {
        _ = state.withLock { $0.subscribers.removeValue(forKey: id) }
    }
}
