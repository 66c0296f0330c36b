public import ChurnGuardCore

/// The notification event of an insight a generation run found for the first time: its
/// narrative, confidence and revenue concerned. An insight updated by a later run is not
/// sent again.
public enum InsightNotification {
    /// The event telling of `insight`.
    public static func event(for insight: Insight) -> NotificationEvent {
        var facts: [NotificationEvent.Fact] = [
            .init("metric", insight.metricName), .init("kind", insight.kind.rawValue),
            .init("severity", insight.severity.rawValue),
            .init("confidence", "\(Int((insight.confidence * 100).rounded()))%"),
        ]
        if let segment = insight.segment { facts.append(.init(segment.dimension, segment.value)) }
        if let revenue = insight.revenueImpact { facts.append(.init("revenue concerned", AlertNotification.format(revenue))) }
        return NotificationEvent(
            id: "insight:\(insight.id)", kind: .insightGenerated, organization: insight.organization,
            severity: AlertSeverity(insight.severity),
            title: "[\(insight.severity.rawValue.uppercased())] \(insight.title)", summary: insight.narrative,
            occurredAt: insight.firstSeen, groupKey: "\(NotificationEventKind.insightGenerated.rawValue)/\(insight.organization)",
            link: "/insights/\(insight.id)", facts: facts)
    }
}
