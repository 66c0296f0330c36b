import ChurnGuardAnalytics
public import ChurnGuardCore
public import ChurnGuardStorage
public import Logging
public import Metrics
import Foundation

/// Watches every stored series of every organization: each run reads the points stored since
/// each series' checkpoint, scores them with the ensemble (causally, with the series' recent
/// rows as context), stores new and extended anomaly events together with the new
/// checkpoints, then publishes the new anomalies on the bus and counts them.
///
/// Failures are isolated: an organization, a metric or a series that fails is logged and
/// counted (`churnguard_anomaly_monitor_failures_total{scope}`) and retried at the next run;
/// the others go on. A restart resumes from the stored checkpoints: nothing is reported twice,
/// nothing skipped.
///
/// Several monitors on one database split the series: each scores only the series of the
/// lease buckets it holds (``AnomalyLeaseStore``, renewed while it works), and a commit is
/// refused when another monitor advanced the series' checkpoint first, so an anomaly is
/// stored once even when two monitors race past an expired lease.
public actor AnomalyMonitor {
    /// What one run did.
    public struct Report: Sendable, Equatable {
        /// Organizations examined.
        public var organizations = 0
        /// Metrics with new data.
        public var metrics = 0
        /// Series with new points.
        public var series = 0
        /// New points scored.
        public var points = 0
        /// Anomalies created.
        public var created = 0
        /// Anomalies extended.
        public var extended = 0
        /// Series with new rows not scored because they hold fewer than the minimum history
        /// (``AnomalyMonitorOptions/minimumHistoryRows``) rows; their checkpoints still advance.
        public var gated = 0
        /// Organizations, metrics or series that failed.
        public var failures = 0
        /// Series whose progress another monitor stored first (dropped, nothing stored twice).
        public var conflicts = 0
        /// Series buckets held after the run (``MonitorBuckets/count`` without leases).
        public var buckets = 0
        /// Series whose new rows were stepped through the detectors as the previous run left them
        /// (the others' detectors were rebuilt from their context rows: a start, a change of
        /// tuning, a gated or failed scan).
        public var carried = 0
    }

    /// What the monitor keeps of a series between runs.
    struct SeriesWindow {
        /// The latest rows (at most ``AnomalyMonitorOptions/contextRows``), oldest first.
        var rows: [MonitorRow]
        /// The series' detectors after its last row, for the ensemble tuned by
        /// `detectorSensitivity`: the next run steps only the new rows through them. Nil: the next
        /// run rebuilds them from the context (after a start, a gated or failed scan, a re-baselining).
        var detector: DetectorStateSlot? = nil
        /// The series' sensitivity factor the detectors were built with (a feedback change voids them).
        var detectorSensitivity: Double? = nil
    }

    struct MetricCache {
        /// The catalog entry last processed in full (nil: run the metric again even if unchanged).
        var summary: MetricSummary?
        var windows: [String: SeriesWindow]
        /// The latest point time read for the metric: the next warm run reads from there.
        var readThrough: Timestamp?
    }

    let identity: any OrganizationStore
    let points: any MetricStore
    let store: any AnomalyStore
    /// The rollups the segment- and organization-level series are read from (nil: customer series only).
    let rollups: (any RollupStore)?
    let bus: (any EventBus)?
    /// The options it runs with.
    public let options: AnomalyMonitorOptions
    let now: NowFunction
    let logger: Logger
    let factory: any MetricsFactory
    var cache: [OrganizationID: [String: MetricCache]] = [:]
    /// The settled hour up to which each metric's group series were last scanned.
    var groupHorizon: [OrganizationID: [String: Timestamp]] = [:]
    /// Group series scanned (`churnguard_anomaly_monitor_group_series_total`).
    let groupSeriesScanned: Counter
    /// Anomalies whose level links were written (`churnguard_anomaly_links_total`).
    let anomalyLinks: Counter
    /// Series not scored for too little history (`churnguard_anomaly_monitor_series_gated_total`).
    let seriesGated: Counter
    /// Series stepped through their kept detectors (`churnguard_anomaly_monitor_series_carried_total`).
    let seriesCarried: Counter
    /// Where the series buckets are leased (nil: this monitor is alone and scores every series).
    let leases: (any AnomalyLeaseStore)?
    /// This monitor's name in the leases (host, process and a random suffix).
    public nonisolated let owner: String
    /// The buckets held now (nil: every bucket, without a lease store).
    var held: Set<Int>?
    /// When the held leases end unless renewed.
    var heldUntil: Timestamp?
    /// When the leases were last claimed.
    var lastClaim: Timestamp?
    /// Lease counters and the held-buckets gauge.
    let leaseClaims: Counter, leaseLosses: Counter, leaseBuckets: Gauge, commitConflicts: Counter

    /// Creates a monitor over the given roles; new anomalies are published on `bus` when given.
    /// With `rollups`, each metric's organization-wide series and its dimension groups are
    /// watched too (``AnomalyMonitorOptions/watchGroups``).
    /// With `leases`, it scores only the series of the buckets it holds (the other monitors on
    /// the same database score the rest); `owner` names it there (default: host, process id
    /// and a random suffix).
    public init(identity: any OrganizationStore, points: any MetricStore, anomalies: any AnomalyStore, rollups: (any RollupStore)? = nil,
                leases: (any AnomalyLeaseStore)? = nil, owner: String? = nil,
                bus: (any EventBus)?, options: AnomalyMonitorOptions, now: @escaping NowFunction, logger: Logger,
                metricsFactory: any MetricsFactory = MetricsSystem.factory) {
        self.leases = leases
        self.owner = owner ?? Self.defaultOwner()
        held = leases == nil ? nil : []
        leaseClaims = Counter(label: MetricNames.anomalyLeaseClaims, factory: metricsFactory)
        leaseLosses = Counter(label: MetricNames.anomalyLeaseLosses, factory: metricsFactory)
        leaseBuckets = Gauge(label: MetricNames.anomalyLeaseBuckets, factory: metricsFactory)
        commitConflicts = Counter(label: MetricNames.anomalyCommitConflicts, factory: metricsFactory)
        self.identity = identity
        self.points = points
        self.store = anomalies
        self.rollups = options.watchGroups ? rollups : nil
        groupSeriesScanned = Counter(label: MetricNames.anomalyGroupSeries, factory: metricsFactory)
        anomalyLinks = Counter(label: MetricNames.anomalyLinks, factory: metricsFactory)
        seriesGated = Counter(label: MetricNames.anomalySeriesGated, factory: metricsFactory)
        seriesCarried = Counter(label: MetricNames.anomalySeriesCarried, factory: metricsFactory)
        self.bus = bus
        self.options = options
        self.now = now
        self.logger = logger
        self.factory = metricsFactory
    }

    /// One pass over every organization.
    public func runOnce() async throws -> Report {
        var report = Report()
        let organizations = try await identity.allOrganizations()
        cache = cache.filter { entry in organizations.contains { $0.id == entry.key } }
        groupHorizon = groupHorizon.filter { entry in organizations.contains { $0.id == entry.key } }
        await renewLeases(force: true, report: &report)
        for organization in organizations {
            try Task.checkCancellation()
            await renewLeases(force: false, report: &report)
            report.organizations += 1
            if held?.isEmpty == true { continue }
            do {
                try await monitor(organization.id, report: &report)
            } catch is CancellationError {
                throw CancellationError()
            } catch {
                fail("organization", organization.id, error, report: &report)
            }
        }
        report.buckets = held?.count ?? MonitorBuckets.count
        return report
    }

    private func monitor(_ organization: OrganizationID, report: inout Report) async throws {
        let metrics = try await points.metrics(organization: organization)
        for summary in metrics {
            try Task.checkCancellation()
            if let cached = cache[organization]?[summary.metricName], cached.summary == summary {
                try await monitorGroups(organization, summary.metricName, report: &report)
                continue
            }
            report.metrics += 1
            do {
                try await monitor(organization, summary, report: &report)
            } catch is CancellationError {
                throw CancellationError()
            } catch {
                cache[organization]?[summary.metricName] = nil
                fail("metric", organization, error, metric: summary.metricName, report: &report)
            }
            try await monitorGroups(organization, summary.metricName, report: &report)
        }
    }

    /// The group pass of one metric, isolated: a failure is logged, counted and retried at the next run.
    private func monitorGroups(_ organization: OrganizationID, _ metric: String, report: inout Report) async throws {
        guard let rollups else { return }
        do {
            try await monitorGroups(organization, metric: metric, rollups: rollups, report: &report)
        } catch is CancellationError {
            throw CancellationError()
        } catch {
            groupHorizon[organization]?[metric] = nil
            fail("group", organization, error, metric: metric, report: &report)
        }
    }

    private func monitor(_ organization: OrganizationID, _ summary: MetricSummary, report: inout Report) async throws {
        let metric = summary.metricName
        let states = Dictionary(try await store.anomalySeriesStates(metricName: metric, organization: organization).map { ($0.seriesKey, $0) },
                                uniquingKeysWith: { first, _ in first })
        var cached = cache[organization]?[metric]
        // A cached window must end at its series' stored checkpoint. One that does not is
        // stale: another monitor stored that series' progress meanwhile (a race past an expired
        // lease). Scoring on from it would miss the rows in between (too little context gates
        // the new rows unscored), so the metric is read cold, from the stored checkpoints.
        if let windows = cached?.windows, states.values.contains(where: { state in
            windows[state.seriesKey].map { $0.rows.last?.cursor != state.checkpoint } ?? false
        }) {
            cached = nil
        }
        let current = now()
        // Warm: only what lies past the series' checkpoints. Cold (first run, restart): the
        // context before them too, or the catch-up window for a metric never examined.
        let checkpoints = states.values.compactMap(\.checkpoint?.timestamp)
        let from: Timestamp
        if let cached, let through = cached.readThrough {
            from = through
        } else if let oldest = checkpoints.min() {
            from = oldest.adding(seconds: -options.contextSeconds)
        } else {
            from = current.adding(seconds: -options.catchUpSeconds)
        }
        var grouped: [[String: String]: [MonitorRow]] = [:]
        var readThrough = cached?.readThrough
        var query = PointQuery(metricName: metric, from: from, limit: options.pageSize)
        while true {
            try Task.checkCancellation()
            let page = try await points.points(query, organization: organization)
            for stored in page.points {
                grouped[stored.point.tags, default: []].append(MonitorRow(stored))
                readThrough = max(readThrough ?? stored.point.timestamp, stored.point.timestamp)
            }
            guard let next = page.nextCursor, !page.points.isEmpty else { break }
            query.after = next
        }
        var windows = cached?.windows ?? [:]
        var work: [ScanWork] = []
        for (tags, rows) in grouped {
            let key = Alert.seriesKey(metricName: metric, tags: tags)
            // Another monitor's series: it reads, scores and caches them.
            guard owns(organization, seriesKey: key) else { continue }
            var state = states[key] ?? AnomalySeriesState(metricName: metric, tags: tags)
            state.tags = tags
            let fresh = rows.filter { $0.isAfter(state.checkpoint) }
            let window = cached?.windows[key]
            var context = window?.rows ?? rows.filter { !$0.isAfter(state.checkpoint) }
            let unfiltered = context.count
            if let baseline = state.tuning.baselineFrom { context.removeAll { $0.timestamp < baseline } }
            context = Array(context.suffix(options.contextRows))
            // The detectors hold only while the context is the one they scanned, for the same tuning.
            let detector = window.flatMap { window in
                context.count == unfiltered && window.detectorSensitivity == state.tuning.sensitivityFactor ? window.detector : nil
            }
            guard !fresh.isEmpty else {
                windows[key] = SeriesWindow(rows: context, detector: detector,
                                            detectorSensitivity: detector == nil ? nil : state.tuning.sensitivityFactor)
                continue
            }
            var open: Anomaly?
            if let id = state.openAnomalyID {
                do { open = try await store.anomaly(id: id, organization: organization) } catch {
                    fail("series", organization, error, metric: metric, report: &report)
                    continue
                }
            }
            work.append(ScanWork(key: key, context: context, fresh: fresh, state: state, open: open, detector: detector))
        }
        let outcomes = await Self.scan(work, options: options, organization: organization, now: current)
        var anomalies: [Anomaly] = []
        var created: [Anomaly] = []
        var nextStates: [AnomalySeriesState] = []
        for (item, outcome) in zip(work, outcomes) {
            report.series += 1
            if item.detector != nil {
                report.carried += 1
                seriesCarried.increment()
            }
            report.points += item.fresh.count
            countGate(item, report: &report)
            anomalies += outcome.anomalies
            created += outcome.anomalies.filter { outcome.created.contains($0.id) }
            report.extended += outcome.anomalies.count - outcome.created.count
            nextStates.append(outcome.state)
            windows[item.key] = SeriesWindow(rows: Array((item.context + item.fresh).suffix(options.contextRows)),
                                             detector: outcome.detectorState.map { DetectorStateSlot($0) },
                                             detectorSensitivity: item.state.tuning.sensitivityFactor)
        }
        let failed = try await commit(anomalies: anomalies, states: nextStates, organization: organization, report: &report)
        // A series whose progress was not stored keeps its context rows, and the next run reads
        // again from its first new point (the others' checkpoints filter what they saw). Its
        // detectors have seen the new rows, so they are rebuilt from the context.
        for item in work where failed.contains(item.key) {
            windows[item.key] = SeriesWindow(rows: item.context)
            if let first = item.fresh.first?.timestamp { readThrough = min(readThrough ?? first, first) }
        }
        if let through = readThrough { releaseIdleDetectors(&windows, through: through) }
        cache[organization, default: [:]][metric] = MetricCache(summary: failed.isEmpty ? summary : nil, windows: windows,
                                                                readThrough: readThrough)
        let announced = created.filter { !failed.contains($0.seriesKey) }
        report.created += announced.count
        for anomaly in announced { announce(anomaly) }
        if rollups != nil { await linkToGroups(announced, organization: organization, report: &report) }
    }

    /// One series' scan to do.
    struct ScanWork: Sendable {
        let key: String
        let context: [MonitorRow]
        let fresh: [MonitorRow]
        let state: AnomalySeriesState
        let open: Anomaly?
        /// The series' detectors after the last row of `context` (nil: build them from the context).
        var detector: DetectorStateSlot? = nil
        /// A smallest change that may vote, when the series needs one above the configured
        /// (group series: a share of their level, ``AnomalyMonitorOptions/groupMinimumRelativeChange``).
        var minimumAbsoluteChange: Double? = nil

        /// Whether the series holds too few rows to be scored at all (low-volume gate).
        func isGated(_ options: AnomalyMonitorOptions) -> Bool {
            context.count + fresh.count < options.minimumHistoryRows
        }
    }

    /// Scans the series on every core (the scans are pure), answering in `work`'s order. Each
    /// lane yields after every series: a scan of many series is minutes of CPU, and without a
    /// suspension point it would hold the cooperative threads that the HTTP server of the same
    /// process (`serve` runs the monitor in-process) needs to answer requests.
    static func scan(_ work: [ScanWork], options: AnomalyMonitorOptions, organization: OrganizationID,
                     now: Timestamp) async -> [AnomalyEventBuilder.Outcome] {
        let lanes = max(1, min(ProcessInfo.processInfo.activeProcessorCount, work.count))
        return await withTaskGroup(of: [(Int, AnomalyEventBuilder.Outcome)].self) { group in
            for lane in 0..<lanes {
                group.addTask {
                    var done: [(Int, AnomalyEventBuilder.Outcome)] = []
                    for index in stride(from: lane, to: work.count, by: lanes) {
                        if index >= lanes { await Task.yield() }
                        let item = work[index]
                        if item.isGated(options) {
                            // Too little history to judge: the rows become context, nothing is scored.
                            var next = item.state
                            next.checkpoint = item.fresh.last?.cursor ?? item.state.checkpoint
                            next.openAnomalyID = nil
                            next.quietRows = 0
                            done.append((index, AnomalyEventBuilder.Outcome(anomalies: [], created: [], state: next)))
                            continue
                        }
                        var tuned = options
                        if let floor = item.minimumAbsoluteChange {
                            tuned.settings.minimumAbsoluteChange = max(tuned.settings.minimumAbsoluteChange, floor)
                        }
                        let builder = AnomalyEventBuilder(ensemble: tuned.ensemble(sensitivityFactor: item.state.tuning.sensitivityFactor),
                                                          mergeGapRows: options.mergeGapRows)
                        done.append((index, builder.scan(context: item.context, fresh: item.fresh, state: item.state, open: item.open,
                                                         detectorState: item.detector?.take(),
                                                         organization: organization, now: now)))
                    }
                    return done
                }
            }
            var results = [AnomalyEventBuilder.Outcome?](repeating: nil, count: work.count)
            for await lane in group { for (index, outcome) in lane { results[index] = outcome } }
            return results.compactMap { $0 }
        }
    }

    /// Releases the detectors of the series whose newest row lies more than `contextSeconds`
    /// before the newest point read for their metric (`through`): a customer who churned, a
    /// retired tag. They keep their context rows, so if points come again the detectors are
    /// rebuilt from those rows, as after a start; until then the series costs its rows, not its
    /// detectors (docs/ANOMALY_DETECTION.md, "Bounded memory").
    func releaseIdleDetectors(_ windows: inout [String: SeriesWindow], through: Timestamp) {
        let horizon = through.adding(seconds: -options.contextSeconds)
        for (key, window) in windows where window.detector != nil {
            guard let last = window.rows.last, last.timestamp < horizon else { continue }
            windows[key]?.detector = nil
            windows[key]?.detectorSensitivity = nil
        }
    }

    /// Commits a metric's progress in one transaction; when the store refuses it, each
    /// series is committed alone so that one series cannot hold back the others.
    /// - Returns: the keys of the series whose progress was not stored.
    func commit(anomalies: [Anomaly], states: [AnomalySeriesState], organization: OrganizationID,
                        report: inout Report) async throws -> Set<String> {
        guard !states.isEmpty else { return [] }
        do {
            try await store.commitMonitorRun(anomalies: anomalies, states: states, organization: organization)
            return []
        } catch StoreError.conflict, StoreError.invalidRequest {
            // Fall through to the per-series commits below.
        }
        var failed: Set<String> = []
        for state in states {
            try Task.checkCancellation()
            let own = anomalies.filter { $0.seriesKey == state.seriesKey }
            do {
                try await store.commitMonitorRun(anomalies: own, states: [state], organization: organization)
            } catch StoreError.conflict {
                // Another monitor stored this series' progress first (it took the bucket over
                // past an expired lease): drop ours, the next run reads from its checkpoint.
                failed.insert(state.seriesKey)
                report.conflicts += 1
                commitConflicts.increment()
                logger.notice("anomaly monitor commit refused: another monitor advanced the series first", metadata: [
                    "organization_id": "\(organization)", "series": "\(state.seriesKey)", "owner": "\(owner)",
                ])
            } catch {
                failed.insert(state.seriesKey)
                fail("series", organization, error, metric: state.metricName, report: &report)
            }
        }
        return failed
    }

    /// Counts a series the low-volume gate kept from being scored.
    func countGate(_ item: ScanWork, report: inout Report) {
        guard item.isGated(options) else { return }
        report.gated += 1
        seriesGated.increment()
    }

    func announce(_ anomaly: Anomaly) {
        bus?.publish(.anomalyDetected(anomaly))
        let voters = anomaly.methods.filter(\.vote).map(\.method)
        for method in voters.isEmpty ? ["ensemble"] : voters {
            Counter(label: MetricNames.anomaliesDetected, dimensions: [
                ("organization_id", anomaly.organization.description), ("severity", anomaly.severity.rawValue), ("method", method),
            ], factory: factory).increment()
        }
        logger.info("anomaly detected", metadata: [
            "organization_id": "\(anomaly.organization)", "anomaly_id": "\(anomaly.id)", "series": "\(anomaly.seriesKey)",
            "severity": "\(anomaly.severity.rawValue)", "started_at": "\(anomaly.startedAt)",
        ])
    }

    func fail(_ scope: String, _ organization: OrganizationID, _ error: any Error, metric: String? = nil, report: inout Report) {
        report.failures += 1
        Counter(label: MetricNames.anomalyMonitorFailures, dimensions: [("scope", scope)], factory: factory).increment()
        logger.error("anomaly monitor failed; retrying at the next run", metadata: [
            "scope": "\(scope)", "organization_id": "\(organization)", "metric": "\(metric ?? "-")", "error": "\(error)",
        ])
    }
}
