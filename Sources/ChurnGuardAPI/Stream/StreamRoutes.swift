public import ChurnGuardCore
public import ChurnGuardEngine
public import Hummingbird
import HummingbirdWebSocket
import Logging
import Metrics

/// `GET /ws/v1/stream`: the live stream of the caller's organization.
///
/// The upgrade is authenticated like every `/api/` route (``StreamAuthMiddleware``). After
/// it, the client sends `{"subscribe": [...]}` / `{"unsubscribe": [...]}` (metric names, or
/// `{"metric_name", "tags"}` objects) and receives `{"type":"subscribed"|"unsubscribed",
/// "subscriptions":[…]}`, then `{"type":"point"|"stats"|"alert", …}` for its subscriptions;
/// a malformed or refused message gets `{"type":"error","code","message"}` and the connection
/// stays open. Every message to the client goes through the connection's bounded
/// ``StreamOutbox``: a client that falls that many messages behind is closed with
/// ``StreamCloseCode/slowConsumer`` (4008); on shutdown every connection is closed with
/// 1001 "going away". The server pings idle connections (hummingbird-websocket's auto-ping).
public struct StreamOptions: Sendable {
    /// Largest message a client may send, in bytes.
    public var maxClientMessageBytes = 64 * 1024
    /// Seconds between the server's pings; a client that has not answered one by the next is
    /// closed (a client library answers them as it reads).
    public var pingIntervalSeconds = 30
    /// Per-point and tag limits (the same as ingest's).
    public var validation = ValidationLimits()

    /// The defaults.
    public init() {}
}

/// The path of the live stream, served by the upgrade router only.
public let streamPath = "/ws/v1/stream"

/// Builds the router of the WebSocket upgrade (a separate router, as hummingbird-websocket wants).
public func makeStreamRouter(hub: StreamHub, authenticator: Authenticator, options: StreamOptions) -> Router<StreamRequestContext> {
    let router = Router(context: StreamRequestContext.self)
    router.add(middleware: ErrorMiddleware())
    router.group("ws/v1")
        .add(middleware: StreamAuthMiddleware(authenticator: authenticator))
        .ws("stream") { _, context in
            context.identity == nil ? .dontUpgrade : .upgrade([:])
        } onUpgrade: { inbound, outbound, context in
            guard let identity = context.requestContext.identity else { return }
            try await StreamConnection(hub: hub, organization: identity.organization, options: options, logger: context.logger)
                .run(inbound: inbound, outbound: outbound)
        }
    return router
}

/// One stream connection: a reader of client messages and a writer draining the outbox.
struct StreamConnection {
    let hub: StreamHub
    let organization: OrganizationID
    let options: StreamOptions
    let logger: Logger

    func run(inbound: WebSocketInboundStream, outbound: WebSocketOutboundWriter) async throws {
        guard let (id, outbox) = hub.connect(organization: organization) else {
            try await outbound.close(.goingAway, reason: "server shutting down")
            return
        }
        defer { hub.disconnect(id: id, organization: organization) }
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask {
                while let message = await outbox.next() {
                    try await outbound.write(.text(message))
                }
                if outbox.overflowed {
                    logger.info("stream client too slow; closed", metadata: ["close_code": "\(StreamCloseCode.slowConsumer)"])
                    try await outbound.close(.unknown(StreamCloseCode.slowConsumer), reason: "slow consumer: send queue full")
                } else if hub.isClosed {
                    try await outbound.close(.goingAway, reason: "server shutting down")
                }
            }
            do {
                for try await message in inbound.messages(maxSize: options.maxClientMessageBytes) {
                    guard case .text(let text) = message else {
                        outbox.offer(StreamMessage.error(code: "unsupported_message", message: "send text (JSON) messages"))
                        continue
                    }
                    handle(text, id: id, outbox: outbox)
                }
            } catch {
                logger.debug("stream connection ended", metadata: ["error": "\(error)"])
            }
            // The client went away (or broke the protocol): stop the writer.
            outbox.finish()
            try await group.waitForAll()
        }
    }

    private func handle(_ text: String, id: Int, outbox: StreamOutbox) {
        do {
            switch try StreamClientMessage.parse(text, validation: options.validation) {
            case .subscribe(let subscriptions):
                guard hub.subscribe(id: id, organization: organization, subscriptions) else {
                    outbox.offer(StreamMessage.error(code: "too_many_subscriptions",
                                                     message: "at most \(StreamHub.maxSubscriptionsPerConnection) subscriptions per connection"))
                    return
                }
                outbox.offer(StreamMessage.subscriptions("subscribed", hub.subscriptions(id: id, organization: organization)))
            case .unsubscribe(let subscriptions):
                hub.unsubscribe(id: id, organization: organization, subscriptions)
                outbox.offer(StreamMessage.subscriptions("unsubscribed", hub.subscriptions(id: id, organization: organization)))
            }
        } catch {
            outbox.offer(StreamMessage.error(code: error.code, message: error.message))
        }
    }
}
