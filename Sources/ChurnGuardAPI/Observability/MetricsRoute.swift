public import Hummingbird

/// Renders the metrics registry in the Prometheus text format. The composition root builds
/// it over the registry the application counts into, so `/metrics` always shows that one.
public struct MetricsExposition: Sendable {
    /// The exposition's bytes, at the moment of the call.
    public let render: @Sendable () -> [UInt8]

    /// An exposition rendered by `render`.
    public init(render: @escaping @Sendable () -> [UInt8]) {
        self.render = render
    }

    /// The `GET /metrics` answer.
    public func response() -> Response {
        let bytes = render()
        return Response(
            status: .ok,
            headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
            body: ResponseBody(byteBuffer: ByteBuffer(bytes: bytes)))
    }

    /// Registers `GET /metrics` on `router` (no key: bind it to `monitoring.metrics_port` to
    /// keep it off the public interface).
    public func register<Context: RequestContext>(on router: Router<Context>) {
        router.get("metrics") { _, _ in response() }
    }
}
