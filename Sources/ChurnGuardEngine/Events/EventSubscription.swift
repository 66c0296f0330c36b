/// A consumer's handle on a bus subscription: an `AsyncSequence` of events.
///
/// Iterate it from one task. The subscription ends (its buffer is released and the bus
/// forgets it) on ``unsubscribe()``, when the iterating task is cancelled, or when the last
/// reference to it goes away, so a consumer task that ends leaves nothing behind.
public final class EventSubscription: AsyncSequence, Sendable {
    /// Events.
    public typealias Element = BusEvent
    /// Iteration never throws.
    public typealias Failure = Never

    /// The default number of unread events a subscriber may hold.
    public static let defaultCapacity = 1024

    /// The buffer the bus feeds.
    public let buffer: EventBuffer

    /// Wraps `buffer` (bus implementations create subscriptions this way).
    public init(buffer: EventBuffer) {
        self.buffer = buffer
    }

    deinit {
        buffer.finish()
    }

    /// The subscriber's name.
    public var name: String { buffer.name }
    /// Events this subscriber lost because its buffer was full.
    public var dropped: Int { buffer.dropped }
    /// Unread events held now.
    public var buffered: Int { buffer.buffered }

    /// Ends the subscription now: releases the buffer and ends any iteration.
    public func unsubscribe() {
        buffer.finish()
    }

    /// Reads the subscription's events in publication order.
    public struct AsyncIterator: AsyncIteratorProtocol {
        /// Iteration never throws.
        public typealias Failure = Never
        let subscription: EventSubscription

        /// The next event, waiting for one; `nil` once the subscription ended.
        public mutating func next() async -> BusEvent? {
            await subscription.buffer.next()
        }
    }

    /// An iterator; keeps the subscription alive while it exists.
    public func makeAsyncIterator() -> AsyncIterator {
        AsyncIterator(subscription: self)
    }
}
