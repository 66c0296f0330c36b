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
    /// When the current request head must be complete; `nil` while none is awaited.
    private var headerDeadline: NIODeadline?
    /// When the current request body must be complete; `nil` outside a request.
    private var bodyDeadline: NIODeadline?
    /// One timer per connection, set for the earliest deadline or earlier. Deadlines move on
    /// every request, but the timer is rescheduled only when a deadline comes before it: a
    /// timer that fires early finds nothing expired and re-arms. Scheduling and cancelling two
    /// timers per request showed at about a tenth of the small-request path's CPU.
    private var timer: Scheduled<Void>?
    private var timerDeadline: NIODeadline?
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
        stopTimer()
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
        stopTimer()
        context.fireChannelInactive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head:
            headerDeadline = nil
            readingRequest = true
            pendingResponses += 1
            bodyDeadline = .now() + bodyTimeout
            arm()
        case .body:
            break
        case .end:
            readingRequest = false
            bodyDeadline = nil
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
        guard headerDeadline == nil else { return }
        headerDeadline = .now() + headerTimeout
        arm()
    }

    /// Makes sure the timer fires no later than the earliest deadline.
    private func arm() {
        guard let context else { return }
        let next = [headerDeadline, bodyDeadline].compactMap { $0 }.min()
        guard let next else { return }
        if let timerDeadline, timerDeadline <= next, timer != nil { return }
        timer?.cancel()
        timerDeadline = next
        timer = context.eventLoop.assumeIsolated().scheduleTask(deadline: next) { [weak self] in
            self?.timerFired()
        }
    }

    /// Closes the connection if a deadline passed; otherwise re-arms for the next one.
    private func timerFired() {
        timer = nil
        timerDeadline = nil
        guard let context else { return }
        let now = NIODeadline.now()
        var reason: String?
        if let deadline = headerDeadline, deadline <= now {
            if pendingResponses > 0 {
                // A pipelined head waits behind a response still being written: give it time.
                headerDeadline = now + headerTimeout
            } else {
                reason = "request head not complete within \(headerTimeout.nanoseconds / 1_000_000) ms"
            }
        }
        if reason == nil, let deadline = bodyDeadline, deadline <= now {
            reason = "request body not complete within \(bodyTimeout.nanoseconds / 1_000_000) ms"
        }
        guard let reason else {
            arm()
            return
        }
        logger.debug("closing slow connection", metadata: [
            "reason": "\(reason)",
            "remote": "\(context.channel.remoteAddress.map { "\($0)" } ?? "?")",
        ])
        stopTimer()
        context.close(promise: nil)
    }

    private func stopTimer() {
        timer?.cancel()
        timer = nil
        timerDeadline = nil
        headerDeadline = nil
        bodyDeadline = nil
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
