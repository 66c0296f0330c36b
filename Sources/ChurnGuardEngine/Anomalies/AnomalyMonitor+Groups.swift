public import ChurnGuardCore
public import ChurnGuardStorage
import Foundation

/// Segment- and organization-level watching: each metric's organization-wide hourly mean and
/// the hourly mean of every group of each configured dimension (e.g. `segment=smb`) are series
/// of their own, read from the hourly rollups (so their history outlives the raw points).
/// What is scored is each hour's departure from its weekly baseline (the median of the same
/// hour one to four weeks earlier), with the same ensemble, events and checkpoints as a
/// customer's series; stored anomalies carry the hourly mean itself and the expectation in the
/// same unit. A group anomaly links to the narrower anomalies inside it
/// (docs/ANOMALY_DETECTION.md, "Levels").
extension AnomalyMonitor {
    /// One group series: its level, tags and hourly rows.
    struct GroupSeries {
        var level: AnomalyLevel
        var tags: [String: String]
        var rows: [MonitorRow]
    }

    /// Watches the group series of one metric: reads the settled hourly buckets past the
    /// series' checkpoints (with their context), scans, commits, links and announces.
    func monitorGroups(_ organization: OrganizationID, metric: String, rollups: any RollupStore, report: inout Report) async throws {
        let current = now()
        let settled = RollupResolution.hour.bucketStart(of: current.adding(seconds: -options.groupSettleSeconds))
        if groupHorizon[organization]?[metric] == settled { return }
        let states = try await store.anomalySeriesStates(metricName: metric, organization: organization).filter { $0.level != .customer }
        let byKey = Dictionary(states.map { ($0.seriesKey, $0) }, uniquingKeysWith: { first, _ in first })
        let oldest = states.compactMap(\.checkpoint?.timestamp).min() ?? current.adding(seconds: -options.catchUpSeconds)
        let from = oldest.adding(seconds: -Int64(options.contextRows) * 3600 - Int64(WeeklyBaseline.weeks) * WeeklyBaseline.week)
        var series: [GroupSeries] = []
        // Enough for every hour of the range in every group the cap allows, within the bound.
        let hours = Int(max(0, settled.microseconds - from.microseconds) / 3_600_000_000) + 1
        let limit = min(options.groupBucketLimit, hours * (options.dimensions.maxValues + 1))
        let totals = try await rollups.rollups(metricName: metric, resolution: .hour, from: from, to: settled,
                                               limit: hours, organization: organization)
        series.append(GroupSeries(level: .organization, tags: [:], rows: totals.map(Self.row)))
        for dimension in options.dimensions.names {
            let buckets = try await rollups.dimensionRollups(metricName: metric, dimension: dimension, resolution: .hour, from: from,
                                                             to: settled, limit: limit, organization: organization)
            var rows: [String: [MonitorRow]] = [:]
            for bucket in buckets where bucket.value != RollupDimensions.otherValue {
                rows[bucket.value, default: []].append(Self.row(RollupBucket(start: bucket.start, aggregate: bucket.aggregate)))
            }
            for (value, list) in rows.sorted(by: { $0.key < $1.key }) {
                series.append(GroupSeries(level: .segment, tags: [dimension: value], rows: list))
            }
        }
        var work: [ScanWork] = []
        var baselines: [String: WeeklyBaseline] = [:]
        for item in series {
            var state = AnomalySeriesState(metricName: metric, tags: item.tags, level: item.level)
            state = byKey[state.seriesKey] ?? state
            guard owns(organization, seriesKey: state.seriesKey) else { continue }
            let baseline = WeeklyBaseline(item.rows)
            let fresh = baseline.departures.filter { $0.isAfter(state.checkpoint) }
            guard !fresh.isEmpty else { continue }
            baselines[state.seriesKey] = baseline
            var context = baseline.departures.filter { !$0.isAfter(state.checkpoint) }
            if let baseline = state.tuning.baselineFrom { context.removeAll { $0.timestamp < baseline } }
            context = Array(context.suffix(options.contextRows))
            var open: Anomaly?
            if let id = state.openAnomalyID { open = try await store.anomaly(id: id, organization: organization) }
            let levels = item.rows.map { abs($0.value) }.sorted()
            let level = levels.isEmpty ? 0 : levels[levels.count / 2]
            work.append(ScanWork(key: state.seriesKey, context: context, fresh: fresh, state: state, open: open,
                                 minimumAbsoluteChange: options.groupMinimumRelativeChange * level))
        }
        groupSeriesScanned.increment(by: work.count)
        let outcomes = await Self.scan(work, options: options, organization: organization, now: current)
        var anomalies: [Anomaly] = []
        var created: Set<String> = []
        for (item, outcome) in zip(work, outcomes) {
            report.series += 1
            report.points += item.fresh.count
            countGate(item, report: &report)
            anomalies += outcome.anomalies.map { baselines[item.key]?.inUnits($0) ?? $0 }
            created.formUnion(outcome.created)
            report.extended += outcome.anomalies.count - outcome.created.count
        }
        let failed = try await commit(anomalies: anomalies, states: outcomes.map(\.state), organization: organization, report: &report)
        let stored = anomalies.filter { !failed.contains($0.seriesKey) }
        // Segments first, so an organization anomaly finds its segments' stored links.
        for anomaly in stored.sorted(by: { $0.level == .segment && $1.level != .segment }) {
            await link(parent: anomaly, organization: organization, report: &report)
        }
        let announced = stored.filter { created.contains($0.id) }
        report.created += announced.count
        for anomaly in announced { announce(anomaly) }
        if failed.isEmpty { groupHorizon[organization, default: [:]][metric] = settled }
    }

    /// A rollup bucket as a monitor row: its start and its mean (sequence 0: one row per hour).
    static func row(_ bucket: RollupBucket) -> MonitorRow {
        MonitorRow(timestamp: bucket.start, sequence: 0, value: bucket.aggregate.mean)
    }

    /// Links a segment anomaly to the customer anomalies of its group, or an organization
    /// anomaly to the segment anomalies, that overlap it (an hour's slack either side, since its
    /// rows are hours): each child without a parent gets this one, and this one lists them all
    /// (``AnomalyStore/linkAnomalies(parentID:childIDs:organization:)``, which writes the links
    /// only). A failure is logged and counted; the anomalies stay stored unlinked.
    func link(parent: Anomaly, organization: OrganizationID, report: inout Report) async {
        guard parent.level != .customer else { return }
        let childLevel: AnomalyLevel = parent.level == .segment ? .customer : .segment
        do {
            var query = AnomalyQuery(metricName: parent.metricName, tags: parent.tags, from: parent.startedAt.adding(seconds: -3600),
                                     to: parent.endedAt.adding(seconds: 7200), limit: 1000)
            var children: [Anomaly] = []
            while true {
                let page = try await store.anomalies(query, organization: organization)
                children += page.anomalies.filter { $0.level == childLevel }
                guard let next = page.nextCursor, children.count < 10_000 else { break }
                query.after = next
            }
            guard !children.isEmpty else { return }
            // Only the link fields are written: another monitor may be extending these rows.
            let changed = try await store.linkAnomalies(parentID: parent.id, childIDs: children.map(\.id), organization: organization)
            if changed > 0 { anomalyLinks.increment(by: changed) }
        } catch {
            fail("link", organization, error, metric: parent.metricName, report: &report)
        }
    }

    /// Links new customer anomalies to a stored segment anomaly of one of their groups that
    /// overlaps them (the segment anomaly was found first).
    func linkToGroups(_ anomalies: [Anomaly], organization: OrganizationID, report: inout Report) async {
        var parents: [String: Anomaly] = [:]
        for anomaly in anomalies where anomaly.level == .customer {
            for dimension in options.dimensions.names {
                guard let value = anomaly.tags[dimension] else { continue }
                let query = AnomalyQuery(metricName: anomaly.metricName, tags: [dimension: value],
                                         from: anomaly.startedAt.adding(seconds: -7200), to: anomaly.endedAt.adding(seconds: 3600), limit: 50)
                do {
                    for candidate in try await store.anomalies(query, organization: organization).anomalies
                    where candidate.level == .segment && candidate.tags == [dimension: value] {
                        parents[candidate.id] = candidate
                    }
                } catch {
                    fail("link", organization, error, metric: anomaly.metricName, report: &report)
                }
            }
        }
        for parent in parents.values.sorted(by: { $0.id < $1.id }) { await link(parent: parent, organization: organization, report: &report) }
    }
}

/// A group series' weekly baseline: for each hour, the median of the same hour one to
/// ``weeks`` weeks earlier (at least ``minimumWeeks`` of them). The monitor scores the
/// departures from it, so the daily and weekly cycles (nights, weekends) are not anomalies and
/// a segment-wide drop on weekdays is; hours without enough earlier weeks are not scored (a
/// group series needs two weeks of history).
struct WeeklyBaseline {
    static let week: Int64 = 7 * 86_400
    static let weeks = 4
    static let minimumWeeks = 2

    /// Each scored hour as a row whose value is its departure from the baseline.
    private(set) var departures: [MonitorRow] = []
    private var baseline: [Int64: Double] = [:]

    init(_ rows: [MonitorRow]) {
        let values = Dictionary(rows.map { ($0.timestamp.microseconds, $0.value) }, uniquingKeysWith: { first, _ in first })
        for row in rows {
            let t = row.timestamp.microseconds
            let earlier = (1...Self.weeks).compactMap { values[t - Int64($0) * Self.week * 1_000_000] }.sorted()
            guard earlier.count >= Self.minimumWeeks else { continue }
            let middle = earlier.count / 2
            let median = earlier.count % 2 == 1 ? earlier[middle] : (earlier[middle - 1] + earlier[middle]) / 2
            baseline[t] = median
            departures.append(MonitorRow(timestamp: row.timestamp, sequence: 0, value: row.value - median))
        }
    }

    /// `anomaly` with its peak and expectations in the series' own unit (the hourly mean)
    /// when the scan just set them as departures; unchanged when they already are.
    func inUnits(_ anomaly: Anomaly) -> Anomaly {
        let t = anomaly.peakAt.microseconds
        guard let base = baseline[t], let row = departures.first(where: { $0.timestamp.microseconds == t }),
              anomaly.peakValue == row.value else { return anomaly }
        var converted = anomaly
        converted.peakValue += base
        converted.expectedValue = anomaly.expectedValue.map { $0 + base }
        converted.expectedLow = anomaly.expectedLow.map { $0 + base }
        converted.expectedHigh = anomaly.expectedHigh.map { $0 + base }
        converted.explanation = AnomalyExplanation.sentence(converted)
        return converted
    }
}
