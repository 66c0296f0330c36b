public import ChurnGuardAnalytics

/// How the anomaly monitor runs (`anomaly_detection.*` in configuration, see docs/ANOMALY_DETECTION.md).
public struct AnomalyMonitorOptions: Sendable {
    /// Time between runs (`monitoring_interval_seconds`).
    public var interval: Duration = .seconds(60)
    /// The ensemble's methods (`methods.*.enabled`); the default is every method, as `churnguard detect`.
    public var methods: [DetectionMethod] = EnsembleDetector.defaultMethods
    /// The detectors' settings (`default_sensitivity`, `ensemble_voting_threshold`,
    /// `methods.local_outlier_factor.n_neighbors`); the defaults are `churnguard detect`'s.
    /// The cooldown is replaced by event merging (``mergeGapRows``).
    public var settings = DetectionSettings()
    /// Most earlier rows of a series kept as context for its new rows (memory: 16 bytes each).
    public var contextRows = 720
    /// How far before a series' checkpoint a monitor (re)started cold reads context.
    public var contextSeconds: Int64 = 7 * 86_400
    /// How far back a metric never examined before is caught up.
    public var catchUpSeconds: Int64 = 45 * 86_400
    /// Quiet rows an event may contain between two anomalous rows.
    public var mergeGapRows = 3
    /// Points read per page.
    public var pageSize = 10_000

    /// The defaults.
    public init() {}

    /// The ensemble the monitor runs for a series tuned by `sensitivityFactor`.
    public func ensemble(sensitivityFactor: Double = 1) -> EnsembleDetector {
        var tuned = settings
        tuned.cooldown = 0
        let factor = sensitivityFactor.isFinite && sensitivityFactor > 0 ? sensitivityFactor : 1
        tuned.sensitivity = settings.sensitivity * factor
        return EnsembleDetector(methods: methods, settings: tuned)
    }
}
