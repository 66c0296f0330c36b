public import Metrics
import Synchronization

/// The metrics backend one process (or one test) counts into, handed down from the
/// composition root so that tests can give each application a registry of its own instead
/// of sharing the process-wide `MetricsSystem` bootstrap.
///
/// Some series are derived from time (rollup lag): their owners register a refresh that
/// the exposition runs just before it renders, so a scrape always sees a current value.
public final class ServiceMetrics: Sendable {
    /// Where counters, gauges and timers are made.
    public let factory: any MetricsFactory
    private let refreshes = Mutex<[@Sendable () -> Void]>([])

    /// Metrics made by `factory` (the process-wide one by default).
    public init(factory: any MetricsFactory = MetricsSystem.factory) {
        self.factory = factory
    }

    /// Metrics that go nowhere (`monitoring.metrics_enabled: false`).
    public static func disabled() -> ServiceMetrics {
        ServiceMetrics(factory: NOOPMetricsHandler.instance)
    }

    /// Registers `refresh`, run before every exposition.
    public func onRefresh(_ refresh: @escaping @Sendable () -> Void) {
        refreshes.withLock { $0.append(refresh) }
    }

    /// Runs every registered refresh (called by the exposition before it renders).
    public func refresh() {
        for refresh in refreshes.withLock({ $0 }) { refresh() }
    }
}
