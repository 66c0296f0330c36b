public import ChurnGuardAPI
public import ChurnGuardEngine
public import Prometheus
import Metrics
import Synchronization

/// The Prometheus backend of swift-metrics: a registry, the factory counting into it and the
/// exposition that renders it.
///
/// A process bootstraps the global `MetricsSystem` once, with ``processWide()``, so that code
/// counting through the plain swift-metrics API (`Counter(label:)`) lands in the same
/// registry. Tests instead make an ``isolated()`` one per application: the global bootstrap
/// may happen only once per process, and each test then reads only its own counts.
public struct PrometheusMetrics: Sendable {
    /// The registry `/metrics` renders.
    public let registry: PrometheusCollectorRegistry
    /// The swift-metrics side: what the application's code counts into.
    public let service: ServiceMetrics

    private static let process = Mutex<PrometheusMetrics?>(nil)

    /// A registry of its own, not connected to the global `MetricsSystem`.
    public static func isolated() -> PrometheusMetrics {
        let registry = PrometheusCollectorRegistry()
        return PrometheusMetrics(registry: registry, service: ServiceMetrics(factory: makeFactory(registry)))
    }

    /// The process-wide registry, bootstrapping `MetricsSystem` with it on the first call
    /// (later calls answer the same one).
    public static func processWide() -> PrometheusMetrics {
        process.withLock { current in
            if let current { return current }
            let registry = PrometheusCollectorRegistry()
            let factory = makeFactory(registry)
            MetricsSystem.bootstrap(factory)
            let made = PrometheusMetrics(registry: registry, service: ServiceMetrics(factory: factory))
            current = made
            return made
        }
    }

    /// The `/metrics` exposition: refreshes the time-derived series, then renders (with a
    /// `# HELP` line per series).
    public var exposition: MetricsExposition {
        let registry = registry
        let service = service
        return MetricsExposition {
            service.refresh()
            return ExpositionHelp.annotate(registry.emitToBuffer())
        }
    }

    /// The factory with histogram buckets suited to each series.
    static func makeFactory(_ registry: PrometheusCollectorRegistry) -> PrometheusMetricsFactory {
        var factory = PrometheusMetricsFactory(registry: registry)
        factory.defaultDurationHistogramBuckets = [
            .microseconds(500), .milliseconds(1), .milliseconds(2), .milliseconds(5), .milliseconds(10), .milliseconds(25),
            .milliseconds(50), .milliseconds(100), .milliseconds(250), .milliseconds(500), .seconds(1), .milliseconds(2500),
            .seconds(5), .seconds(10),
        ]
        factory.valueHistogramBuckets = [
            MetricNames.groupCommitPoints: [1, 10, 100, 500, 1000, 5000, 10_000, 50_000],
            MetricNames.groupCommitBatches: [1, 2, 4, 8, 16, 32, 64, 128, 256],
        ]
        return factory
    }
}
