public import ChurnGuardCore
import Foundation

/// The notification event of a recommendation a run proposed for the first time: the action,
/// for how many customers, and what it is expected to be worth. A recommendation updated by a
/// later run is not sent again.
///
/// Recommendations carry no severity of their own; routes choose them by their expected value
/// (``NotificationRoute/minimumValue``), which the event carries as its ``NotificationEvent/value``.
/// The event's severity is `medium` so that every channel renders it alike.
public enum RecommendationNotification {
    /// The event telling of `recommendation`.
    public static func event(for recommendation: Recommendation) -> NotificationEvent {
        let currency = recommendation.roi?.currency ?? ""
        func money(_ amount: Double) -> String {
            let text = String(format: "%.2f", amount)
            return currency.isEmpty ? text : "\(text) \(currency)"
        }
        var facts: [NotificationEvent.Fact] = [
            .init("rule", recommendation.ruleID), .init("category", recommendation.category.rawValue),
            .init("customers", "\(recommendation.affectedCustomers)"),
            .init("expected value", money(recommendation.expectedValue)),
        ]
        if let roi = recommendation.roi {
            facts.append(.init("expected ROI", AlertNotification.format((roi.expected.roi * 100).rounded() / 100)))
            facts.append(.init("revenue at risk", money(roi.expected.revenueAtRisk)))
            facts.append(.init("horizon", "\(roi.horizonDays) days"))
        }
        if let metric = recommendation.target.metricName { facts.append(.init("metric", metric)) }
        if let segment = recommendation.target.segment { facts.append(.init(segment.dimension, segment.value)) }
        facts.append(.init("confidence", "\(Int((recommendation.confidence * 100).rounded()))%"))
        let evidence = recommendation.insightIDs.count + recommendation.anomalyIDs.count + recommendation.alertIDs.count
        facts.append(.init("evidence", evidence == 0 ? "none linked" : "\(evidence) linked"))
        return NotificationEvent(
            id: "recommendation:\(recommendation.id)", kind: .recommendationCreated, organization: recommendation.organization,
            severity: .medium,
            title: "[RECOMMENDED] \(recommendation.title) (\(recommendation.affectedCustomers) customers, expected value \(money(recommendation.expectedValue)))",
            summary: recommendation.description, occurredAt: recommendation.createdAt,
            groupKey: "\(NotificationEventKind.recommendationCreated.rawValue)/\(recommendation.organization)",
            link: "/recommendations/\(recommendation.id)", facts: facts, value: recommendation.expectedValue)
    }
}
