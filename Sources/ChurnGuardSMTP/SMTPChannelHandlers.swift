import NIOCore

/// Splits the server's bytes into lines and lines into replies (``SMTPReplyParser``).
final class SMTPReplyDecoder: ByteToMessageDecoder {
    typealias InboundOut = SMTPReply
    private var parser = SMTPReplyParser()

    func decode(context: ChannelHandlerContext, buffer: inout ByteBuffer) throws -> DecodingState {
        guard let newline = buffer.readableBytesView.firstIndex(of: UInt8(ascii: "\n")) else {
            if buffer.readableBytes > SMTPReplyParser.maxLineLength { throw SMTPError.malformedReply("line longer than \(SMTPReplyParser.maxLineLength) bytes") }
            return .needMoreData
        }
        let length = newline - buffer.readerIndex
        guard var line = buffer.readString(length: length) else { return .needMoreData }
        buffer.moveReaderIndex(forwardBy: 1)
        if line.hasSuffix("\r") { line.removeLast() }
        if let reply = try parser.feed(line) { context.fireChannelRead(wrapInboundOut(reply)) }
        return .continue
    }

    func decodeLast(context: ChannelHandlerContext, buffer: inout ByteBuffer, seenEOF: Bool) throws -> DecodingState {
        while try decode(context: context, buffer: &buffer) == .continue {}
        return .needMoreData
    }
}

/// Hands each reply to whoever waits for it, in order; replies that arrive first (the
/// greeting) are kept until asked for. A timeout or a closed connection fails the waiter.
final class SMTPReplyHandler: ChannelInboundHandler {
    typealias InboundIn = SMTPReply

    private var waiting: [(promise: EventLoopPromise<SMTPReply>, stage: String)] = []
    private var early: [SMTPReply] = []
    private var failure: SMTPError?

    /// Called on the channel's event loop: the next reply, or the failure that ended the conversation.
    func nextReply(promise: EventLoopPromise<SMTPReply>, stage: String) {
        if !early.isEmpty {
            promise.succeed(early.removeFirst())
        } else if let failure {
            promise.fail(failure)
        } else {
            waiting.append((promise, stage))
        }
    }

    /// Fails the waiter (if still waiting) with a timeout and closes the connection.
    func timedOut(stage: String, context channel: any Channel) {
        guard failure == nil else { return }
        failAll(.timeout(stage: stage))
        channel.close(promise: nil)
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let reply = unwrapInboundIn(data)
        if waiting.isEmpty { early.append(reply) } else { waiting.removeFirst().promise.succeed(reply) }
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        failAll(error as? SMTPError ?? .connectionFailed("\(error)"))
        context.close(promise: nil)
    }

    func channelInactive(context: ChannelHandlerContext) {
        failAll(.connectionClosed(stage: waiting.first?.stage ?? "idle"))
        context.fireChannelInactive()
    }

    private func failAll(_ error: SMTPError) {
        if failure == nil { failure = error }
        let pending = waiting
        waiting = []
        for waiter in pending { waiter.promise.fail(failure ?? error) }
    }
}
