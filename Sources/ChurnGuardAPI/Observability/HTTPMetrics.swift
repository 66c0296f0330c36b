import HTTPTypes
public import Metrics
import Synchronization

/// The HTTP series: `churnguard_requests_total{method,endpoint,status}` and
/// `churnguard_request_duration_seconds{method,endpoint}` (a histogram).
///
/// `endpoint` is always a route template (`/api/v1/analytics/metrics/{name}/points`), or
/// `unmatched` for a path no route knows, never the raw path: the number of series stays
/// bounded by routes × methods × statuses whatever clients send. The metric objects are made
/// once per label set and kept, so a request costs one dictionary look-up under a lock.
public final class HTTPMetrics: Sendable {
    private struct Key: Hashable {
        let method: String
        let endpoint: String
        let status: Int
    }

    private struct Series {
        let requests: Counter
        let duration: Timer
    }

    private let factory: any MetricsFactory
    private let cache = Mutex<[Key: Series]>([:])

    /// Series made by `factory`.
    public init(factory: any MetricsFactory) {
        self.factory = factory
    }

    /// Counts one answered request and its duration.
    func record(method: HTTPRequest.Method, endpoint: String, status: Int, duration: Duration) {
        let key = Key(method: method.rawValue, endpoint: endpoint, status: status)
        let series = cache.withLock { cache -> Series in
            if let series = cache[key] { return series }
            let made = Series(
                requests: Counter(label: "churnguard_requests_total",
                                  dimensions: [("method", key.method), ("endpoint", endpoint), ("status", String(status))],
                                  factory: factory),
                duration: Timer(label: "churnguard_request_duration_seconds",
                                dimensions: [("method", key.method), ("endpoint", endpoint)], factory: factory))
            cache[key] = made
            return made
        }
        series.requests.increment()
        series.duration.record(duration: duration)
    }
}
