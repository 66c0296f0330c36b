import HummingbirdCore
import Logging
import Metrics
import NIOCore

/// The HTTP/1 server settings that bound how long one client can hold a connection.
///
/// Every open connection costs a file descriptor, so a client that never finishes its
/// request must not keep one: `api.idle_timeout_seconds` closes connections with nothing
/// in flight (Hummingbird's own idle timer), `api.header_read_timeout_seconds` and
/// `api.body_read_timeout_seconds` bound the reading of one request (see
/// ``RequestDeadlineHandler``). See docs/SECURITY.md for the file-descriptor budget.
enum HTTPServerSettings {
    /// The HTTP/1 channel configuration for `configuration`'s timeouts; open connections
    /// count in `connections` (`churnguard_active_connections`).
    static func http1(_ configuration: AppConfiguration, logger: Logger, connections: Meter) -> HTTP1Channel.Configuration {
        let header = timeAmount(seconds: configuration.headerReadTimeoutSeconds)
        let body = timeAmount(seconds: configuration.bodyReadTimeoutSeconds)
        return HTTP1Channel.Configuration(
            additionalChannelHandlers: [RequestDeadlineHandler(headerTimeout: header, bodyTimeout: body, logger: logger),
                                        ConnectionGauge(meter: connections)],
            idleTimeout: timeAmount(seconds: configuration.idleTimeoutSeconds))
    }

    static func timeAmount(seconds: Double) -> TimeAmount {
        .nanoseconds(Int64((seconds * 1_000_000_000).rounded()))
    }
}
