public import ChurnGuardAnalytics
public import ChurnGuardCore
public import ChurnGuardStorage
import Foundation

/// Turns the ensemble's verdicts on a series' new rows into anomaly events: consecutive
/// anomalous rows (allowing at most `mergeGapRows` quiet rows between them) are one event,
/// continued across monitor runs through the series state (open event, quiet rows). Pure:
/// the same rows, state and settings give the same events, so a restarted monitor decides
/// exactly as an uninterrupted one.
public struct AnomalyEventBuilder: Sendable {
    /// The detectors (the monitor's copy of the settings, with the cooldown replaced by merging).
    public let ensemble: EnsembleDetector
    /// Quiet rows an event may contain between two anomalous ones.
    public let mergeGapRows: Int

    /// Creates a builder.
    public init(ensemble: EnsembleDetector, mergeGapRows: Int) {
        self.ensemble = ensemble
        self.mergeGapRows = max(0, mergeGapRows)
    }

    /// What one series' scan produced.
    public struct Outcome: Sendable {
        /// Events created or extended, in order.
        public var anomalies: [Anomaly]
        /// Ids of the events created by this scan (the others were extended).
        public var created: Set<String>
        /// The series' state after the scan (checkpoint at the last fresh row).
        public var state: AnomalySeriesState
        /// The series' causal scan after the last fresh row (for the next scan's `detectorState`).
        public var detectorState: EnsembleState? = nil
    }

    /// Scores `context + fresh` causally and builds events from the fresh rows only.
    /// - Parameters:
    ///   - context: rows already examined (at or before the checkpoint), oldest first.
    ///   - fresh: rows after the checkpoint, oldest first; at least one.
    ///   - open: the event the state says is still open, if it could be read.
    ///   - detectorState: the series' causal scan as the previous scan left it after the last
    ///     row of `context`: then only the fresh rows are stepped through it. Without it (a start,
    ///     or after a change) a new scan steps through the context first.
    public func scan(context: [MonitorRow], fresh: [MonitorRow], state: AnomalySeriesState, open: Anomaly?,
                     detectorState: consuming EnsembleState? = nil, organization: OrganizationID, now: Timestamp,
                     makeID: () -> String = AnomalyEventBuilder.randomID) -> Outcome {
        var next = state
        guard let last = fresh.last else { return Outcome(anomalies: [], created: [], state: state, detectorState: detectorState) }
        let resumed = detectorState != nil
        // Moved, not copied: the scan's windows are then updated in place.
        var detector = detectorState.take() ?? ensemble.makeState()
        if !resumed { _ = ensemble.advance(&detector, over: Self.series(context)) }
        let verdicts = ensemble.advance(&detector, over: Self.series(fresh))
        let rows = context + fresh
        var current = open
        var quiet = open == nil ? 0 : state.quietRows
        var order: [String] = []
        var touched: [String: Anomaly] = [:]
        var created: Set<String> = []
        for (offset, index) in (context.count..<rows.count).enumerated() where offset < verdicts.count {
            let verdict = verdicts[offset]
            let row = rows[index]
            if verdict.isAnomaly {
                if var event = current, quiet <= mergeGapRows {
                    extend(&event, row: row, verdict: verdict, now: now)
                    current = event
                } else {
                    let event = start(row: row, verdict: verdict, state: state, organization: organization, now: now, id: makeID())
                    created.insert(event.id)
                    current = event
                }
                quiet = 0
                if let event = current {
                    if touched[event.id] == nil { order.append(event.id) }
                    touched[event.id] = event
                }
            } else if current != nil {
                quiet += 1
                if quiet > mergeGapRows {
                    current = nil
                    quiet = 0
                }
            }
        }
        next.checkpoint = last.cursor
        next.openAnomalyID = current?.id
        next.quietRows = current == nil ? 0 : quiet
        return Outcome(anomalies: order.compactMap { touched[$0] }, created: created, state: next, detectorState: detector)
    }

    /// The rows as the detectors read them (times in epoch seconds).
    static func series(_ rows: [MonitorRow]) -> TimeSeries {
        TimeSeries(timestamps: rows.map { Double($0.timestamp.microseconds) / 1e6 }, values: rows.map(\.value))
    }

    /// A new anomaly id: a random UUID in lower case.
    public static func randomID() -> String { UUID().uuidString.lowercased() }

    private func start(row: MonitorRow, verdict: EnsemblePoint, state: AnomalySeriesState, organization: OrganizationID,
                       now: Timestamp, id: String) -> Anomaly {
        var event = Anomaly(
            id: id, organization: organization, metricName: state.metricName, tags: state.tags, startedAt: row.timestamp,
            endedAt: row.timestamp, peakAt: row.timestamp, peakValue: row.value, expectedValue: nil, expectedLow: nil,
            expectedHigh: nil, score: verdict.score, severity: .low, anomalousPoints: 1,
            methods: verdict.methods.map { AnomalyMethodScore(method: $0.method.rawValue, score: $0.result.score, vote: $0.result.vote) },
            explanation: "", detectedAt: now, updatedAt: now, level: state.level)
        setPeak(&event, row: row, verdict: verdict)
        finish(&event)
        return event
    }

    private func extend(_ event: inout Anomaly, row: MonitorRow, verdict: EnsemblePoint, now: Timestamp) {
        event.endedAt = row.timestamp
        event.anomalousPoints += 1
        event.updatedAt = now
        event.score = max(event.score, verdict.score)
        let candidate = Self.expectation(verdict).map { abs(row.value - $0) }
        let peak = event.expectedValue.map { abs(event.peakValue - $0) }
        if let candidate, candidate > (peak ?? -1) { setPeak(&event, row: row, verdict: verdict) }
        for part in verdict.methods {
            if let index = event.methods.firstIndex(where: { $0.method == part.method.rawValue }) {
                event.methods[index].score = max(event.methods[index].score, part.result.score)
                event.methods[index].vote = event.methods[index].vote || part.result.vote
            } else {
                event.methods.append(AnomalyMethodScore(method: part.method.rawValue, score: part.result.score, vote: part.result.vote))
            }
        }
        finish(&event)
    }

    /// The peak is the anomalous row farthest from what the methods expected (the spike, the
    /// deepest point of a drop), not the highest score: after a spike the regime detector keeps
    /// scoring the rows whose recent window holds it.
    private func setPeak(_ event: inout Anomaly, row: MonitorRow, verdict: EnsemblePoint) {
        event.peakAt = row.timestamp
        event.peakValue = row.value
        let expectations = Self.expectations(verdict)
        event.expectedValue = expectations.isEmpty ? nil : Self.median(expectations)
        event.expectedLow = expectations.first
        event.expectedHigh = expectations.last
    }

    static func expectations(_ verdict: EnsemblePoint) -> [Double] {
        verdict.methods.compactMap(\.result.expected).filter(\.isFinite).sorted()
    }

    static func expectation(_ verdict: EnsemblePoint) -> Double? {
        let values = expectations(verdict)
        return values.isEmpty ? nil : median(values)
    }

    private func finish(_ event: inout Anomaly) {
        event.severity = AnomalySeverity.rating(score: event.score, anomalousRows: event.anomalousPoints)
        event.explanation = AnomalyExplanation.sentence(event)
    }

    static func median(_ sorted: [Double]) -> Double {
        let middle = sorted.count / 2
        return sorted.count % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2
    }
}
