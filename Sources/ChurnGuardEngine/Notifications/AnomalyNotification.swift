public import ChurnGuardCore

/// The notification event of a newly stored anomaly: one per anomaly, whatever its length,
/// so a route that takes `anomaly.detected` hears of each incident once.
public enum AnomalyNotification {
    /// The event telling of `anomaly`.
    public static func event(for anomaly: Anomaly) -> NotificationEvent {
        let series = anomaly.tags["customer_id"].map { " for customer \($0)" } ?? ""
        var facts: [NotificationEvent.Fact] = [
            .init("metric", anomaly.metricName), .init("peak value", AlertNotification.format(anomaly.peakValue)),
        ]
        if let expected = anomaly.expectedValue { facts.append(.init("expected", AlertNotification.format(expected))) }
        if let low = anomaly.expectedLow, let high = anomaly.expectedHigh {
            facts.append(.init("expected range", "\(AlertNotification.format(low)) – \(AlertNotification.format(high))"))
        }
        facts.append(.init("severity", anomaly.severity.rawValue))
        facts.append(.init("score", AlertNotification.format(anomaly.score)))
        let voters = anomaly.methods.filter(\.vote).map(\.method)
        if !voters.isEmpty { facts.append(.init("methods", voters.joined(separator: ", "))) }
        for (key, tag) in anomaly.tags.sorted(by: { $0.key < $1.key }) { facts.append(.init(key == "customer_id" ? "customer" : key, tag)) }
        facts.append(.init("started at", anomaly.startedAt.description))
        return NotificationEvent(
            id: "anomaly:\(anomaly.id)", kind: .anomalyDetected, organization: anomaly.organization,
            severity: AlertSeverity(anomaly.severity),
            title: "[\(anomaly.severity.rawValue.uppercased())] anomaly in \(anomaly.metricName)\(series)",
            summary: anomaly.explanation, occurredAt: anomaly.peakAt,
            groupKey: "\(NotificationEventKind.anomalyDetected.rawValue)/\(anomaly.metricName)",
            link: "/anomalies/\(anomaly.id)", facts: facts)
    }
}

extension AlertSeverity {
    /// The notification severity of an anomaly's or an insight's: the same four levels.
    init(_ severity: AnomalySeverity) {
        switch severity {
        case .low: self = .low
        case .medium: self = .medium
        case .high: self = .high
        case .critical: self = .critical
        }
    }

    /// The notification severity of an insight's.
    init(_ severity: InsightSeverity) {
        switch severity {
        case .low: self = .low
        case .medium: self = .medium
        case .high: self = .high
        case .critical: self = .critical
        }
    }
}
