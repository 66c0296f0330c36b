import HummingbirdCore
import Logging
import NIOCore
import NIOHTTPTypes

/// Closes an HTTP/1 connection whose request head or body does not arrive in time.
///
/// Hummingbird's `idleTimeout` counts decoded HTTP parts: it cannot close a connection
/// sooner than the idle timeout while a head is being read, and it never closes one whose
/// body trickles in a byte every few seconds, since every byte is a new body part. This
/// handler adds the two deadlines a slow client cannot stretch:
/// - the head of a request must be complete within `headerTimeout` of the connection
///   opening, or of the first byte read after the previous request;
/// - the body must be complete within `bodyTimeout` of its head.
///
/// It sits after the HTTP decoder (it sees request parts) and puts a small
/// ``ReadObserver`` in front of the decoder to learn when the bytes of a head start.
final class RequestDeadlineHandler: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPRequestPart
    typealias InboundOut = HTTPRequestPart
    typealias OutboundIn = HTTPResponsePart
    typealias OutboundOut = HTTPResponsePart

    private let headerTimeout: TimeAmount
    private let bodyTimeout: TimeAmount
    private let logger: Logger
    private var context: ChannelHandlerContext?
    private var observer: ReadObserver?
    private var headerTimer: Scheduled<Void>?
    private var bodyTimer: Scheduled<Void>?
    /// Between a request's head and its end.
    private var readingRequest = false
    /// Requests whose response has not been written completely.
    private var pendingResponses = 0

    /// A handler with these deadlines; one per connection.
    init(headerTimeout: TimeAmount, bodyTimeout: TimeAmount, logger: Logger) {
        self.headerTimeout = headerTimeout
        self.bodyTimeout = bodyTimeout
        self.logger = logger
    }

    func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
        let observer = ReadObserver(owner: self)
        do {
            try context.pipeline.syncOperations.addHandler(observer, position: .first)
            self.observer = observer
        } catch {
            context.fireErrorCaught(error)
        }
        if context.channel.isActive { startHeaderClock() }
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        cancelTimers()
        // The observer stays (it only forwards) but no longer reports.
        observer?.owner = nil
        observer = nil
        self.context = nil
    }

    func channelActive(context: ChannelHandlerContext) {
        startHeaderClock()
        context.fireChannelActive()
    }

    func channelInactive(context: ChannelHandlerContext) {
        cancelTimers()
        context.fireChannelInactive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head:
            headerTimer?.cancel()
            headerTimer = nil
            readingRequest = true
            pendingResponses += 1
            bodyTimer?.cancel()
            bodyTimer = schedule(after: bodyTimeout, reason: "request body not complete")
        case .body:
            break
        case .end:
            readingRequest = false
            bodyTimer?.cancel()
            bodyTimer = nil
        }
        context.fireChannelRead(data)
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        if case .end = unwrapOutboundIn(data) { pendingResponses = max(0, pendingResponses - 1) }
        context.write(data, promise: promise)
    }

    /// Bytes arrived from the socket (called by the ``ReadObserver`` before decoding):
    /// between requests, they start the clock of the next head.
    fileprivate func bytesArrived() {
        if !readingRequest { startHeaderClock() }
    }

    private func startHeaderClock() {
        guard headerTimer == nil else { return }
        headerTimer = schedule(after: headerTimeout, reason: "request head not complete") { [weak self] in
            // A pipelined head waits behind a response still being written: give it time.
            (self?.pendingResponses ?? 0) > 0
        }
    }

    /// Closes the connection after `delay`, unless `postpone` says to wait another round.
    private func schedule(after delay: TimeAmount, reason: String, postpone: @escaping () -> Bool = { false }) -> Scheduled<Void>? {
        guard let context else { return nil }
        return context.eventLoop.assumeIsolated().scheduleTask(in: delay) { [weak self] in
            guard let self, let context = self.context else { return }
            if postpone() {
                self.headerTimer = nil
                self.startHeaderClock()
                return
            }
            self.logger.debug("closing slow connection", metadata: [
                "reason": "\(reason) within \(delay.nanoseconds / 1_000_000) ms",
                "remote": "\(context.channel.remoteAddress.map { "\($0)" } ?? "?")",
            ])
            self.cancelTimers()
            context.close(promise: nil)
        }
    }

    private func cancelTimers() {
        headerTimer?.cancel()
        headerTimer = nil
        bodyTimer?.cancel()
        bodyTimer = nil
    }
}

/// Tells a ``RequestDeadlineHandler`` when bytes arrive, before the HTTP decoder sees them.
final class ReadObserver: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = ByteBuffer

    /// The handler to tell; same channel, same event loop.
    fileprivate weak var owner: RequestDeadlineHandler?

    fileprivate init(owner: RequestDeadlineHandler) { self.owner = owner }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        owner?.bytesArrived()
        context.fireChannelRead(data)
    }
}
