import ChurnGuardAPI
public import Hummingbird
public import Logging
import HTTPTypes

/// `/metrics` alone on its own port (`monitoring.metrics_port`), so the scrape endpoint
/// need not face the same network as the API; the worker uses it to expose its series.
public enum MetricsServer {
    /// An application answering `GET /metrics` (and `GET /health`) on `host:port`; run it as
    /// a service next to the API or the worker.
    public static func make(_ metrics: PrometheusMetrics, host: String, port: Int, logger: Logger)
        -> Application<RouterResponder<BasicRequestContext>> {
        let router = Router(context: BasicRequestContext.self)
        metrics.exposition.register(on: router)
        router.get("health") { _, _ in HTTPResponse.Status.ok }
        return Application(
            router: router, configuration: .init(address: .hostname(host, port: port), serverName: "churnguard-metrics"),
            logger: logger)
    }
}
