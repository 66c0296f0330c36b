import HummingbirdCore
import ChurnGuardAPI
import Hummingbird
import HummingbirdWebSocket
import Logging
import Metrics
import NIOCore

/// The HTTP/1 server with the stream's WebSocket upgrade (`GET /ws/v1/stream`), keeping the
/// server's deadlines: the idle timeout and ``RequestDeadlineHandler`` for HTTP requests,
/// ``FirstHeadDeadlineHandler`` for the first request head, pings for WebSocket connections.
enum StreamServer {
    /// The server builder for `configuration`, upgrading through `streamRouter`; stream
    /// connections are pinged as `stream` says.
    static func builder(_ configuration: AppConfiguration, streamRouter: Router<StreamRequestContext>, stream: StreamOptions,
                        logger: Logger, connections: Meter) -> HTTPServerBuilder {
        let http1 = HTTPServerSettings.http1(configuration, logger: logger, connections: connections)
        let ws = WebSocketServerConfiguration(maxFrameSize: 1 << 16,
                                              autoPing: .enabled(timePeriod: .seconds(max(1, stream.pingIntervalSeconds))))
        let webSocketResponder = streamRouter.buildResponder()
        let headerTimeout = HTTPServerSettings.timeAmount(seconds: configuration.headerReadTimeoutSeconds)
        return HTTPServerBuilder { responder in
            DeadlinedChannel(
                inner: HTTP1WebSocketUpgradeChannel(responder: responder, webSocketResponder: webSocketResponder,
                                                    configuration: .init(http1: http1, ws: ws)),
                headerTimeout: headerTimeout, logger: logger)
        }
    }
}

/// Adds ``FirstHeadDeadlineHandler`` in front of the upgradable HTTP/1 pipeline.
struct DeadlinedChannel: ServerChildChannel {
    let inner: HTTP1WebSocketUpgradeChannel
    let headerTimeout: TimeAmount
    let logger: Logger

    func setup(channel: any Channel, logger: Logger) -> EventLoopFuture<HTTP1WebSocketUpgradeChannel.Value> {
        let timeout = headerTimeout
        let handlerLogger = self.logger
        return channel.eventLoop.makeCompletedFuture {
            try channel.pipeline.syncOperations.addHandler(FirstHeadDeadlineHandler(timeout: timeout, logger: handlerLogger))
        }.flatMap { inner.setup(channel: channel, logger: logger) }
    }

    func handle(value: HTTP1WebSocketUpgradeChannel.Value, logger: Logger) async {
        await inner.handle(value: value, logger: logger)
    }
}
