import ChurnGuardAnalytics
public import ChurnGuardCore
public import ChurnGuardStorage
public import Metrics
import Synchronization

/// The live windows of every organization's series, fed with committed points.
///
/// One ``SeriesWindow`` per organization and series (metric plus exact tag set), capped at
/// ``RealtimeOptions/maxPointsPerSeries`` points. Folding a commit takes one lock for the
/// whole commit and costs O(1) per point (a ``SeriesFingerprint``, one lookup in the
/// organization's ``SeriesTable`` and the window's incremental update);
/// reads copy the matching windows under the lock (copy-on-write, so no point is copied then)
/// and compute percentiles and trends outside it.
///
/// Memory is bounded: an organization holds at most ``RealtimeOptions/maxSeriesPerOrganization``
/// live series (points of further series are refused, counted, and reported on reads), and
/// ``evictIdle(now:)`` drops series that received nothing for a cleanup interval.
public final class RealtimeEngine: Sendable {
    struct OrganizationWindows {
        /// Every live series of the organization.
        var series = SeriesTable()
        var seriesCount: Int { series.count }
        /// Metrics with at least one refused series since it was last under its cap (bounded).
        var refusedMetrics: Set<String> = []
        var refusedSeries = 0
    }

    struct State {
        var organizations: [OrganizationID: OrganizationWindows] = [:]
        var liveSeries = 0
        var foldedPoints = 0
        var foldNanoseconds: UInt64 = 0
    }

    /// Most metric names remembered per organization as having refused series.
    static let maxRememberedRefusals = 1000

    /// The engine's settings.
    public let options: RealtimeOptions
    let state = Mutex(State())
    let pointsCounter: Counter
    let refusedCounter: Counter
    let evictedCounter: Counter
    let liveGauge: Gauge

    /// Creates an empty engine; counters go to `metricsFactory`.
    public init(options: RealtimeOptions, metricsFactory: any MetricsFactory = MetricsSystem.factory) {
        self.options = options
        pointsCounter = Counter(label: "churnguard_realtime_points_total", factory: metricsFactory)
        refusedCounter = Counter(label: "churnguard_realtime_series_refused_total", factory: metricsFactory)
        evictedCounter = Counter(label: "churnguard_realtime_series_evicted_total", factory: metricsFactory)
        liveGauge = Gauge(label: "churnguard_realtime_live_series", factory: metricsFactory)
    }

    /// What one fold did.
    public struct FoldOutcome: Sendable, Equatable {
        /// Points added to windows.
        public var folded = 0
        /// Points not windowed because their series would exceed the organization's cap.
        public var refused = 0
        /// New series created.
        public var newSeries = 0
    }

    /// Folds every point of a committed group into its series' window. `now` (microseconds
    /// since the epoch) marks the touched series as active.
    @discardableResult
    public func fold(_ committed: CommittedPoints, now: Int64) -> FoldOutcome {
        fold(committed.batches, now: now)
    }

    /// Folds batches (a commit, or points read back from the store while rebuilding).
    @discardableResult
    public func fold(_ batches: [PointBatch], now: Int64) -> FoldOutcome {
        let started = ContinuousClock.now
        let outcome = state.withLock { state -> FoldOutcome in
            var outcome = FoldOutcome()
            for batch in batches where !batch.points.isEmpty {
                var windows = state.organizations.removeValue(forKey: batch.organization) ?? OrganizationWindows()
                // Borrow each point from the buffer instead of copying it out of the array.
                batch.points.withUnsafeBufferPointer { points in
                    for position in points.indices {
                        fold(points[position], into: &windows, now: now, outcome: &outcome)
                    }
                }
                state.organizations[batch.organization] = windows
            }
            state.liveSeries += outcome.newSeries
            state.foldedPoints += outcome.folded
            return outcome
        }
        let elapsed = ContinuousClock.now - started
        let nanoseconds = UInt64(max(0, elapsed.components.seconds)) * 1_000_000_000 + UInt64(max(0, elapsed.components.attoseconds / 1_000_000_000))
        state.withLock { $0.foldNanoseconds &+= nanoseconds }
        if outcome.folded > 0 { pointsCounter.increment(by: outcome.folded) }
        if outcome.refused > 0 { refusedCounter.increment(by: outcome.refused) }
        if outcome.newSeries > 0 { liveGauge.record(liveSeries) }
        return outcome
    }

    private func fold(_ point: MetricPoint, into windows: inout OrganizationWindows, now: Int64, outcome: inout FoldOutcome) {
        let time = point.timestamp.microseconds
        let fingerprint = SeriesFingerprint(metricName: point.metricName, tags: point.tags)
        if let slot = windows.series.slotIndex(of: fingerprint) {
            windows.series.push(time: time, value: point.value, now: now, at: slot)
            outcome.folded += 1
            return
        }
        guard windows.seriesCount < options.maxSeriesPerOrganization else {
            outcome.refused += 1
            windows.refusedSeries += 1
            if windows.refusedMetrics.count < Self.maxRememberedRefusals { windows.refusedMetrics.insert(point.metricName) }
            return
        }
        var window = SeriesWindow(capacity: options.maxPointsPerSeries)
        window.push(time: time, value: point.value)
        windows.series.insert(metricName: point.metricName, tags: point.tags, fingerprint: fingerprint, window: window, lastSeen: now)
        outcome.newSeries += 1
        outcome.folded += 1
    }

    /// Live series across every organization.
    public var liveSeries: Int { state.withLock { $0.liveSeries } }

    /// Live series of one organization.
    public func liveSeries(of organization: OrganizationID) -> Int {
        state.withLock { $0.organizations[organization]?.seriesCount ?? 0 }
    }

    /// Series refused for `organization` because of its cap, since start-up.
    public func refusedSeries(of organization: OrganizationID) -> Int {
        state.withLock { $0.organizations[organization]?.refusedSeries ?? 0 }
    }

    /// Points folded and nanoseconds spent folding since the last call (for performance logging).
    public func takeThroughput() -> (points: Int, nanoseconds: UInt64) {
        state.withLock { state in
            defer { state.foldedPoints = 0; state.foldNanoseconds = 0 }
            return (state.foldedPoints, state.foldNanoseconds)
        }
    }
}
