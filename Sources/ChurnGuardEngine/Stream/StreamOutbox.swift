import Synchronization

/// One stream connection's bounded send queue of encoded messages.
///
/// `offer` never blocks. A consumer that falls ``capacity`` messages behind is not buffered
/// further: the outbox is marked ``overflowed`` and finished, and the connection is closed
/// with ``StreamCloseCode/slowConsumer`` — it must reconnect (and resubscribe) to go on.
public final class StreamOutbox: Sendable {
    private struct State {
        var messages: [String] = []
        var head = 0
        var waiter: CheckedContinuation<String?, Never>?
        var finished = false
        var overflowed = false
    }

    /// Most unsent messages held.
    public let capacity: Int
    private let state = Mutex(State())

    /// Creates an empty outbox.
    public init(capacity: Int) {
        self.capacity = max(1, capacity)
    }

    /// Whether the consumer fell behind by more than ``capacity`` messages.
    public var overflowed: Bool { state.withLock { $0.overflowed } }
    /// Whether nothing more will be delivered.
    public var isFinished: Bool { state.withLock { $0.finished } }
    /// Unsent messages now.
    public var pending: Int { state.withLock { $0.messages.count - $0.head } }

    /// Queues a message; `false` when the outbox is finished or just overflowed.
    @discardableResult
    public func offer(_ message: String) -> Bool {
        enum Outcome { case handed(CheckedContinuation<String?, Never>), queued, refused, overflow(CheckedContinuation<String?, Never>?) }
        let outcome = state.withLock { state -> Outcome in
            if state.finished { return .refused }
            if let waiter = state.waiter {
                state.waiter = nil
                return .handed(waiter)
            }
            if state.messages.count - state.head >= capacity {
                state.overflowed = true
                state.finished = true
                state.messages = []
                state.head = 0
                return .overflow(nil)
            }
            if state.head > 64 && state.head * 2 > state.messages.count {
                state.messages.removeFirst(state.head)
                state.head = 0
            }
            state.messages.append(message)
            return .queued
        }
        switch outcome {
        case .handed(let waiter): waiter.resume(returning: message); return true
        case .queued: return true
        case .refused: return false
        case .overflow(let waiter): waiter?.resume(returning: nil); return false
        }
    }

    /// Ends delivery at once: unsent messages are dropped (the connection is closing) and the
    /// consumer's `next` returns `nil`.
    public func finish() {
        let waiter = state.withLock { state -> CheckedContinuation<String?, Never>? in
            state.finished = true
            state.messages = []
            state.head = 0
            defer { state.waiter = nil }
            return state.waiter
        }
        waiter?.resume(returning: nil)
    }

    /// The next message, waiting for one; `nil` once finished. One consumer.
    public func next() async -> String? {
        await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<String?, Never>) in
                enum Now { case message(String), end, wait }
                let now = state.withLock { state -> Now in
                    if state.head < state.messages.count {
                        let message = state.messages[state.head]
                        state.head += 1
                        return .message(message)
                    }
                    if state.finished || state.waiter != nil || Task.isCancelled { return .end }
                    state.waiter = continuation
                    return .wait
                }
                switch now {
                case .message(let message): continuation.resume(returning: message)
                case .end: continuation.resume(returning: nil)
                case .wait: break
                }
            }
        } onCancel: {
            self.finish()
        }
    }
}

/// The WebSocket close codes of the stream (private-use range 4000–4999, plus the standard ones).
public enum StreamCloseCode {
    /// The client fell behind by more than its send queue holds and was disconnected
    /// (reconnect and resubscribe).
    public static let slowConsumer: UInt16 = 4008
    /// The server is shutting down (standard 1001 "going away").
    public static let goingAway: UInt16 = 1001
}
