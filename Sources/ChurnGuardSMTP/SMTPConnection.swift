import NIOCore
import NIOPosix
import NIOSSL

/// One connection to the server: commands written as lines, replies awaited in order with
/// the configured timeout, and the STARTTLS upgrade of its pipeline.
struct SMTPConnection: Sendable {
    let channel: any Channel
    let handler: NIOLoopBound<SMTPReplyHandler>
    let host: String
    let timeout: Duration

    static func open(_ configuration: SMTPConfiguration, group: any EventLoopGroup) async throws(SMTPError) -> SMTPConnection {
        let implicitTLS: NIOSSLContext?
        if configuration.security == .tls {
            implicitTLS = try tlsContext(configuration)
        } else {
            implicitTLS = nil
        }
        let host = configuration.host
        let timeout = TimeAmount.nanoseconds(Int64(configuration.timeout.components.seconds) * 1_000_000_000
                                             + configuration.timeout.components.attoseconds / 1_000_000_000)
        do {
            let channel = try await ClientBootstrap(group: group)
                .connectTimeout(timeout)
                .channelInitializer { channel in
                    channel.eventLoop.makeCompletedFuture {
                        if let implicitTLS {
                            try channel.pipeline.syncOperations.addHandler(
                                try NIOSSLClientHandler(context: implicitTLS, serverHostname: isIPAddress(host) ? nil : host))
                        }
                        try channel.pipeline.syncOperations.addHandler(ByteToMessageHandler(SMTPReplyDecoder()))
                        try channel.pipeline.syncOperations.addHandler(SMTPReplyHandler(), name: "smtp-replies")
                    }
                }
                .connect(host: host, port: configuration.port).get()
            let handler = try await channel.eventLoop.submit {
                NIOLoopBound(try channel.pipeline.syncOperations.handler(type: SMTPReplyHandler.self), eventLoop: channel.eventLoop)
            }.get()
            return SMTPConnection(channel: channel, handler: handler, host: host, timeout: configuration.timeout)
        } catch let error as SMTPError {
            throw error
        } catch {
            throw .connectionFailed("\(host):\(configuration.port): \(error)")
        }
    }

    static func tlsContext(_ configuration: SMTPConfiguration) throws(SMTPError) -> NIOSSLContext {
        var tls = TLSConfiguration.makeClientConfiguration()
        if let file = configuration.trustRootsPEMFile { tls.trustRoots = .file(file) }
        do {
            return try NIOSSLContext(configuration: tls)
        } catch {
            throw .connectionFailed("TLS set-up failed: \(error)")
        }
    }

    static func isIPAddress(_ host: String) -> Bool {
        host.contains(":") || host.split(separator: ".").count == 4 && host.split(separator: ".").allSatisfy { UInt8($0) != nil }
    }

    /// Writes `command` (a line, unless nil) and waits for a reply with one of `codes`.
    /// `shown` replaces the command in errors (credentials are never shown).
    @discardableResult
    func expect(_ codes: [Int], after command: String?, shown: String? = nil, stage: String) async throws(SMTPError) -> SMTPReply {
        let reply = try await exchange(command.map { $0 + "\r\n" }, stage: stage)
        guard codes.contains(reply.code) else {
            throw .unexpectedReply(command: shown ?? command.map { String($0.prefix(64)) } ?? stage, code: reply.code, message: reply.text)
        }
        return reply
    }

    @discardableResult
    func expect(_ code: Int, after command: String?, shown: String? = nil, stage: String) async throws(SMTPError) -> SMTPReply {
        try await expect([code], after: command, shown: shown, stage: stage)
    }

    /// Writes `raw` as is (the dot-stuffed data) and waits for a reply with `code`.
    @discardableResult
    func expect(_ code: Int, raw: String, stage: String) async throws(SMTPError) -> SMTPReply {
        let reply = try await exchange(raw, stage: stage)
        guard reply.code == code else { throw .unexpectedReply(command: stage, code: reply.code, message: reply.text) }
        return reply
    }

    private func exchange(_ text: String?, stage: String) async throws(SMTPError) -> SMTPReply {
        let channel = self.channel, handler = self.handler
        let nanoseconds = Int64(timeout.components.seconds) * 1_000_000_000 + timeout.components.attoseconds / 1_000_000_000
        let future = channel.eventLoop.flatSubmit { () -> EventLoopFuture<SMTPReply> in
            let promise = channel.eventLoop.makePromise(of: SMTPReply.self)
            handler.value.nextReply(promise: promise, stage: stage)
            if let text {
                var buffer = channel.allocator.buffer(capacity: text.utf8.count)
                buffer.writeString(text)
                channel.writeAndFlush(buffer, promise: nil)
            }
            let timer = channel.eventLoop.scheduleTask(in: .nanoseconds(nanoseconds)) {
                handler.value.timedOut(stage: stage, context: channel)
            }
            promise.futureResult.whenComplete { _ in timer.cancel() }
            return promise.futureResult
        }
        do {
            return try await future.get()
        } catch let error as SMTPError {
            throw error
        } catch {
            throw .connectionFailed("\(error)")
        }
    }

    /// Puts TLS in front of the pipeline (after the server's 220 to STARTTLS); the next
    /// bytes are the handshake.
    func startTLS(_ configuration: SMTPConfiguration) async throws(SMTPError) {
        let context = try Self.tlsContext(configuration)
        let channel = self.channel, host = self.host
        do {
            try await channel.eventLoop.submit {
                let handler = try NIOSSLClientHandler(context: context, serverHostname: Self.isIPAddress(host) ? nil : host)
                try channel.pipeline.syncOperations.addHandler(handler, position: .first)
            }.get()
        } catch {
            throw .connectionFailed("STARTTLS upgrade failed: \(error)")
        }
    }

    /// Says QUIT politely, without waiting long for the answer.
    func quit() async {
        _ = try? await expect(221, after: "QUIT", stage: "QUIT")
    }

    func close() async {
        try? await channel.close().get()
    }
}
