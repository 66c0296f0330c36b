public import Metrics
import Synchronization

/// The bounded queue between a publisher and one subscriber; drops the oldest event when full.
///
/// `offer` never blocks: with the buffer full it overwrites the oldest unread event and
/// counts one drop (readable here and on the `churnguard_event_bus_dropped_total` counter).
/// Dropping the oldest rather than the newest keeps a lagging real-time consumer as close to
/// the present as its buffer allows, and a consumer has to resynchronise after any loss
/// anyway (the gap in the commit sequence tells it), so older events are the ones least
/// worth keeping. `finish` (unsubscribing, or the consumer's task being cancelled) empties
/// the buffer at once and ends the consumer's iteration.
public final class EventBuffer: Sendable {
    /// The largest capacity accepted; larger requests are clamped to it.
    public static let maximumCapacity = 100_000

    private struct State {
        var slots: [BusEvent?]
        var head = 0
        var count = 0
        var waiter: CheckedContinuation<BusEvent?, Never>?
        var finished = false
        var dropped = 0
        var onFinish: (@Sendable () -> Void)?
    }

    /// The subscriber's name (the drop counter's `subscriber` dimension).
    public let name: String
    /// Most unread events held.
    public let capacity: Int
    private let droppedCounter: Counter
    private let state: Mutex<State>

    /// Creates an empty buffer. `onFinish` runs once, when the buffer is finished (the bus
    /// forgets the subscriber there).
    public init(name: String, capacity: Int, metricsFactory: any MetricsFactory = MetricsSystem.factory,
                onFinish: @escaping @Sendable () -> Void = {}) {
        self.name = name
        self.capacity = min(max(capacity, 1), Self.maximumCapacity)
        droppedCounter = Counter(label: "churnguard_event_bus_dropped_total", dimensions: [("subscriber", name)],
                                 factory: metricsFactory)
        state = Mutex(State(slots: Array(repeating: nil, count: self.capacity), onFinish: onFinish))
    }

    /// Events dropped because the buffer was full.
    public var dropped: Int { state.withLock { $0.dropped } }
    /// Unread events held now.
    public var buffered: Int { state.withLock { $0.count } }
    /// Whether the buffer was finished (nothing more is delivered).
    public var isFinished: Bool { state.withLock { $0.finished } }

    /// Delivers `event` to a waiting consumer or buffers it, dropping the oldest unread
    /// event when full. Never blocks. Returns `false` once the buffer is finished.
    @discardableResult
    public func offer(_ event: BusEvent) -> Bool {
        enum Outcome { case finished, handed(CheckedContinuation<BusEvent?, Never>), buffered, dropped }
        let outcome = state.withLock { state -> Outcome in
            if state.finished { return .finished }
            if let waiter = state.waiter {
                state.waiter = nil
                return .handed(waiter)
            }
            if state.count == capacity {
                state.slots[state.head] = event
                state.head = (state.head + 1) % capacity
                state.dropped += 1
                return .dropped
            }
            state.slots[(state.head + state.count) % capacity] = event
            state.count += 1
            return .buffered
        }
        switch outcome {
        case .finished: return false
        case .handed(let waiter): waiter.resume(returning: event)
        case .dropped: droppedCounter.increment()
        case .buffered: break
        }
        return true
    }

    /// Empties the buffer, ends the consumer's iteration and runs `onFinish`; idempotent.
    public func finish() {
        let taken = state.withLock { state -> (CheckedContinuation<BusEvent?, Never>?, (@Sendable () -> Void)?)? in
            if state.finished { return nil }
            state.finished = true
            state.slots = []
            state.count = 0
            state.head = 0
            defer { state.waiter = nil; state.onFinish = nil }
            return (state.waiter, state.onFinish)
        }
        guard let (waiter, onFinish) = taken else { return }
        waiter?.resume(returning: nil)
        onFinish?()
    }

    /// The oldest unread event, waiting for one; `nil` once finished. Cancelling the waiting
    /// task finishes the buffer (a consumer that stopped never reads again). One consumer.
    public func next() async -> BusEvent? {
        if let ready = state.withLock({ Self.pop(&$0) }) { return ready }
        return await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<BusEvent?, Never>) in
                enum Now { case event(BusEvent), end, wait }
                let now = state.withLock { state -> Now in
                    if let event = Self.pop(&state) { return .event(event) }
                    if state.finished || state.waiter != nil || Task.isCancelled { return .end }
                    state.waiter = continuation
                    return .wait
                }
                switch now {
                case .event(let event): continuation.resume(returning: event)
                case .end: continuation.resume(returning: nil)
                case .wait: break
                }
            }
        } onCancel: {
            self.finish()
        }
    }

    private static func pop(_ state: inout State) -> BusEvent? {
        guard state.count > 0 else { return nil }
        let event = state.slots[state.head]
        state.slots[state.head] = nil
        state.head = (state.head + 1) % state.slots.count
        state.count -= 1
        return event
    }
}
