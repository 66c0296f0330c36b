public import ChurnGuardCore

/// Whether a rule's conditions hold over a run's inputs, and the evidence that made them
/// hold: the insights, anomalies and alerts matched by conditions that held.
public struct RuleEvaluator: Sendable {
    /// The result of a condition.
    public struct Outcome: Sendable, Equatable {
        /// Whether it holds.
        public var holds: Bool
        /// Insights, anomaly ids and alert ids of the conditions that held.
        public var insights: [Insight], anomalyIDs: [String], alertIDs: [String]

        static let no = Outcome(holds: false, insights: [], anomalyIDs: [], alertIDs: [])
    }

    let inputs: RecommendationInputs
    let maxLinked: Int

    /// An evaluator over `inputs`, linking at most `maxLinked` anomalies and alerts per condition.
    public init(inputs: RecommendationInputs, maxLinked: Int = 50) {
        self.inputs = inputs
        self.maxLinked = maxLinked
    }

    /// Evaluates `condition`; `fired` holds the rules that already fired in this run.
    public func evaluate(_ condition: RuleCondition, fired: Set<String> = []) -> Outcome {
        switch condition {
        case .all(let list):
            let results = list.map { evaluate($0, fired: fired) }
            guard results.allSatisfy(\.holds) else { return .no }
            return merged(results)
        case .any(let list):
            let held = list.map { evaluate($0, fired: fired) }.filter(\.holds)
            return held.isEmpty ? .no : merged(held)
        case .insight(let match):
            let found = inputs.insights.filter { matches($0, match) }
            return Outcome(holds: !found.isEmpty, insights: found, anomalyIDs: [], alertIDs: [])
        case .anomaly(let match):
            let from = inputs.asOf.adding(seconds: -Int64(match.withinDays) * 86_400)
            let found = inputs.anomalies.filter { anomaly in
                anomaly.endedAt >= from && anomaly.startedAt <= inputs.asOf && anomaly.status != .falsePositive
                    && (match.metricName.map { $0 == anomaly.metricName } ?? true)
                    && match.tags.allSatisfy { anomaly.tags[$0.key] == $0.value }
                    && Self.atLeast(anomaly.severity.rawValue, match.minimumSeverity)
            }
            guard found.count >= match.minimumCount else { return .no }
            let linked = found.sorted { ($0.score, $0.id) > ($1.score, $1.id) }.prefix(maxLinked).map(\.id)
            return Outcome(holds: true, insights: [], anomalyIDs: linked, alertIDs: [])
        case .alert(let match):
            let from = inputs.asOf.adding(seconds: -Int64(match.withinDays) * 86_400)
            let found = inputs.alerts.filter { alert in
                guard let fired = alert.firedAt, fired >= from, fired <= inputs.asOf else { return false }
                return (match.metricName.map { $0 == alert.metricName } ?? true) && match.tags.allSatisfy { alert.tags[$0.key] == $0.value }
                    && Self.atLeast(alert.severity.rawValue, match.minimumSeverity)
            }
            guard found.count >= match.minimumCount else { return .no }
            let linked = found.sorted { ($0.firedAt ?? $0.startedAt, $0.id) > ($1.firedAt ?? $1.startedAt, $1.id) }.prefix(maxLinked).map(\.id)
            return Outcome(holds: true, insights: [], anomalyIDs: [], alertIDs: linked)
        case .statistic(let check):
            guard case .some(.some(let value)) = inputs.statistics[StatisticKey(check)] else { return .no }
            return check.comparison.holds(value, check.value) ? Outcome(holds: true, insights: [], anomalyIDs: [], alertIDs: []) : .no
        case .rule(let id):
            return fired.contains(id) ? Outcome(holds: true, insights: [], anomalyIDs: [], alertIDs: []) : .no
        }
    }

    func matches(_ insight: Insight, _ match: InsightMatch) -> Bool {
        (match.kind.map { $0 == insight.kind } ?? true) && (match.metricName.map { $0 == insight.metricName } ?? true)
            && (match.segmentDimension.map { $0 == insight.segment?.dimension } ?? true)
            && (match.segmentValue.map { $0 == insight.segment?.value } ?? true)
            && Self.atLeast(insight.severity.rawValue, match.minimumSeverity)
            && insight.confidence >= match.minimumConfidence
            && (match.rising.map { rising in Self.change(of: insight).map { rising ? $0 > 0 : $0 < 0 } ?? false } ?? true)
    }

    /// The signed change an insight is about, from its evidence: `total_change` (a segment's
    /// contribution), `relative_change` (a period change, a broad change), `change` (revenue at
    /// risk) or the recent minus the baseline slope (a trend); `nil` for an insight without one.
    static func change(of insight: Insight) -> Double? {
        for key in ["total_change", "relative_change", "change"] {
            if case .number(let value)? = insight.evidence[key] { return value }
        }
        if case .number(let recent)? = insight.evidence["recent_slope"], case .number(let baseline)? = insight.evidence["baseline_slope"] {
            return recent - baseline
        }
        return nil
    }

    /// Whether a severity named `name` is at least `minimum` (always, without a minimum).
    static func atLeast(_ name: String, _ minimum: RuleSeverity?) -> Bool {
        guard let minimum else { return true }
        guard let severity = RuleSeverity(rawValue: name) else { return false }
        return severity >= minimum
    }

    func merged(_ results: [Outcome]) -> Outcome {
        var insights: [Insight] = [], seenInsights: Set<String> = []
        var anomalies: [String] = [], alerts: [String] = []
        for result in results {
            for insight in result.insights where seenInsights.insert(insight.id).inserted { insights.append(insight) }
            for id in result.anomalyIDs where !anomalies.contains(id) && anomalies.count < maxLinked { anomalies.append(id) }
            for id in result.alertIDs where !alerts.contains(id) && alerts.count < maxLinked { alerts.append(id) }
        }
        return Outcome(holds: true, insights: insights, anomalyIDs: anomalies, alertIDs: alerts)
    }
}
