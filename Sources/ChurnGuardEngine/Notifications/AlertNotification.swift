public import ChurnGuardCore
import Foundation

/// The notification events of alert transitions: one for firing, one for resolving after it
/// fired; nothing for pending, acknowledgements, snoozes, a breach that cleared before
/// firing, or a snoozed alert.
public enum AlertNotification {
    /// The events of a stored transition (`history` is what the save appended).
    public static func events(for alert: Alert, history: [AlertHistoryEntry], at now: Timestamp) -> [NotificationEvent] {
        guard !alert.isSnoozed(at: now) else { return [] }
        return history.compactMap { entry in
            switch entry.event {
            case .firing: event(alert, kind: .alertFiring, at: entry.at, value: entry.value ?? alert.value)
            case .resolved where alert.firedAt != nil: event(alert, kind: .alertResolved, at: entry.at, value: entry.value ?? alert.value)
            default: nil
            }
        }
    }

    static func event(_ alert: Alert, kind: NotificationEventKind, at time: Timestamp, value: Double) -> NotificationEvent {
        let verb = kind == .alertFiring ? "firing" : "resolved"
        let comparison = alert.condition == .above ? "above" : "below"
        let series = alert.customerID.map { " for customer \($0)" } ?? ""
        var facts: [NotificationEvent.Fact] = [
            .init("metric", alert.metricName), .init("value", format(value)),
            .init("threshold", "\(comparison) \(format(alert.threshold))"), .init("severity", alert.severity.rawValue),
        ]
        if let customer = alert.customerID { facts.append(.init("customer", customer)) }
        for (key, tag) in alert.tags.sorted(by: { $0.key < $1.key }) where key != "customer_id" { facts.append(.init(key, tag)) }
        facts.append(.init("rule", alert.ruleID))
        let summary = kind == .alertFiring
            ? "\(alert.metricName) is \(format(value)), \(comparison) the threshold \(format(alert.threshold))\(series) (rule \(alert.ruleID))."
            : "\(alert.metricName) is back at \(format(value))\(series) (rule \(alert.ruleID), threshold \(comparison) \(format(alert.threshold)))."
        return NotificationEvent(
            id: "alert:\(alert.id):\(verb)", kind: kind, organization: alert.organization, severity: alert.severity,
            title: "[\(alert.severity.rawValue.uppercased())] \(alert.metricName) \(verb)\(series)", summary: summary,
            occurredAt: time, groupKey: "\(kind.rawValue)/\(alert.ruleID)", link: "/alerts/\(alert.id)", facts: facts)
    }

    /// A value as people read it: up to four decimals, no trailing zeros.
    static func format(_ value: Double) -> String {
        guard value.isFinite else { return "\(value)" }
        var text = String(format: "%.4f", value)
        while text.hasSuffix("0") { text.removeLast() }
        if text.hasSuffix(".") { text.removeLast() }
        return text
    }
}
