public import ChurnGuardAnalytics
public import ChurnGuardCore

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
    /// Most earlier rows of a series kept as context for its new rows (memory: 24 bytes each), and
    /// the most rows any history of its kept detectors remembers (``ensemble(sensitivityFactor:)``).
    public var contextRows = 720
    /// How far before a series' checkpoint a monitor (re)started cold reads context.
    public var contextSeconds: Int64 = 7 * 86_400
    /// How far back a metric never examined before is caught up.
    public var catchUpSeconds: Int64 = 45 * 86_400
    /// Quiet rows an event may contain between two anomalous rows.
    public var mergeGapRows = 3
    /// Points read per page.
    public var pageSize = 10_000
    /// The dimension tags whose groups are watched as segment-level series, besides the
    /// organization-wide series of each metric (`data_aggregation.dimensions`; their history
    /// comes from the hourly dimension rollups). Empty names: only customer and organization series.
    public var dimensions: RollupDimensions = .standard
    /// Whether segment- and organization-level series are watched (needs the rollups role).
    public var watchGroups = true
    /// How long after an hour has ended its rollup bucket is scored (it must be rolled up by
    /// then: keep it above `data_aggregation.processing_interval_seconds`).
    public var groupSettleSeconds: Int64 = 600
    /// Smallest change a group series' hour may vote with, as a share of the series' level (the
    /// median of its hourly means): 0.1 = a segment's mean must move at least 10 % away from
    /// what its earlier weeks expect. Means of many points are smooth, so without it changes
    /// of 2–3 % are flagged as significant; with it only material shifts are.
    public var groupMinimumRelativeChange = 0.1
    /// Low-volume gate: a series is scored only once it holds this many rows (its context and
    /// new rows together, at most ``contextRows``); before that its new rows only become
    /// context and its checkpoint advances, so they are never scored late. It is the detectors'
    /// own minimum history (`anomaly_detection.min_history_points`, default 48), which no
    /// method votes before anyway; the gate makes it explicit and saves the scan.
    public var minimumHistoryRows: Int { max(2, settings.minimumHistory) }
    /// Most rollup buckets read for one dimension of one metric in one group pass (its groups'
    /// hours from the context start to the settled hour: with the default cap of 50 values and a
    /// 45-day catch-up, about 126,000). Past it, the groups last in value order lose their newest
    /// hours until the range shrinks (docs/ANOMALY_DETECTION.md, "Levels").
    public var groupBucketLimit = 1_000_000

    /// How long a monitor's series leases last unless renewed (nil: three intervals, at least
    /// 15 s). A monitor renews them at every run and every third of this within a run; one that
    /// dies loses its series to the others this long after its last renewal.
    public var leaseDuration: Int64? = nil
    /// The lease length in effect, in seconds.
    public var leaseSeconds: Int64 {
        leaseDuration.map { max(1, $0) } ?? max(15, 3 * interval.components.seconds)
    }

    /// The defaults.
    public init() {}

    /// The ensemble the monitor runs for a series tuned by `sensitivityFactor`. The monitor
    /// keeps each series' detectors between runs, so the histories that would otherwise grow
    /// past the context (the regime histories, the rarity gate's window, the seasonal profiles)
    /// keep at most ``contextRows`` rows: memory per series stays bounded, and a detector rebuilt
    /// from the context after a restart remembers what the kept one did.
    public func ensemble(sensitivityFactor: Double = 1) -> EnsembleDetector {
        var tuned = settings
        tuned.cooldown = 0
        let rows = max(1, contextRows)
        tuned.regimeHistory = min(tuned.regimeHistory, rows)
        if tuned.regimeShortHistory >= tuned.regimeHistory { tuned.regimeShortHistory = 0 }
        // The gate's warm-up stays what the full window's would be.
        if tuned.rarityWarmup <= 0 { tuned.rarityWarmup = max(1, tuned.rarityWindow / 4) }
        tuned.rarityWindow = min(tuned.rarityWindow, rows)
        tuned.seasonal.historyLimit = min(tuned.seasonal.historyLimit ?? rows, rows)
        let factor = sensitivityFactor.isFinite && sensitivityFactor > 0 ? sensitivityFactor : 1
        tuned.sensitivity = settings.sensitivity * factor
        return EnsembleDetector(methods: methods, settings: tuned)
    }
}
