import Logging
import NIOCore

/// Closes a connection whose first request head is not complete within the header
/// deadline, before any HTTP decoder runs.
///
/// With the stream's WebSocket upgrade, the HTTP handlers (``RequestDeadlineHandler``, the
/// idle timer) are installed only once the first request head was read and found not to be
/// an upgrade, so without this handler a client could hold a connection open forever by
/// never finishing its first head. It watches the raw bytes for the blank line ending the
/// head (`\r\n\r\n`), then removes itself; from there ``RequestDeadlineHandler`` (HTTP) or
/// the WebSocket's pings take over.
final class FirstHeadDeadlineHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = ByteBuffer

    private let timeout: TimeAmount
    private let logger: Logger
    private var timer: Scheduled<Void>?
    /// How many bytes of `\r\n\r\n` the bytes so far end with.
    private var matched = 0
    private var done = false

    init(timeout: TimeAmount, logger: Logger) {
        self.timeout = timeout
        self.logger = logger
    }

    func handlerAdded(context: ChannelHandlerContext) {
        if context.channel.isActive { start(context) }
    }

    func channelActive(context: ChannelHandlerContext) {
        start(context)
        context.fireChannelActive()
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        timer?.cancel()
        timer = nil
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        if !done {
            let buffer = unwrapInboundIn(data)
            let terminator: [UInt8] = [13, 10, 13, 10]
            for byte in buffer.readableBytesView {
                if byte == terminator[matched] {
                    matched += 1
                    if matched == 4 { done = true; break }
                } else {
                    matched = byte == 13 ? 1 : 0
                }
            }
        }
        context.fireChannelRead(data)
        if done {
            timer?.cancel()
            timer = nil
            context.pipeline.syncOperations.removeHandler(context: context, promise: nil)
        }
    }

    private func start(_ context: ChannelHandlerContext) {
        guard timer == nil, !done else { return }
        let loopBound = NIOLoopBound(context, eventLoop: context.eventLoop)
        let logger = logger
        timer = context.eventLoop.scheduleTask(in: timeout) {
            logger.info("closing connection: first request head not complete in time")
            // Told that the input ended, the upgrade handler stops waiting for a head as for a
            // client that left (closed without it, the upgrade fails, which hummingbird-websocket
            // logs as an error: one per idle browser preconnection).
            loopBound.value.fireUserInboundEventTriggered(ChannelEvent.inputClosed)
            loopBound.value.close(promise: nil)
        }
    }
}
