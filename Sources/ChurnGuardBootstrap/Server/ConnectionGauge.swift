import Metrics
import NIOCore
import NIOHTTPTypes

/// Counts open HTTP connections in `churnguard_active_connections`: one handler per
/// connection, added when the connection's pipeline is built and removed when it closes.
final class ConnectionGauge: ChannelInboundHandler, RemovableChannelHandler, Sendable {
    typealias InboundIn = HTTPRequestPart

    private let meter: Meter

    /// A handler counting into `meter`.
    init(meter: Meter) {
        self.meter = meter
    }

    func handlerAdded(context: ChannelHandlerContext) {
        meter.increment()
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        meter.decrement()
    }
}
