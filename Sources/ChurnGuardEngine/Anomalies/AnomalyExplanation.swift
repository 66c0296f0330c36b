public import ChurnGuardCore
import Foundation

/// The one-sentence explanation of a stored anomaly.
public enum AnomalyExplanation {
    /// E.g. "customer_activity{customer_id=c7,segment=smb} fell to 12.4 at 2026-11-05T14:00:00Z,
    /// expected about 41.2 (methods' range 38.0 to 44.5); mad, seasonal and regime flagged 6
    /// points from 2026-11-05T09:00:00Z to 2026-11-05T19:00:00Z." A segment or organization
    /// anomaly names its group and says its values are hourly means, e.g. "customer_activity,
    /// hourly mean of segment=smb, fell to …".
    public static func sentence(_ anomaly: Anomaly) -> String {
        var text: String
        switch anomaly.level {
        case .customer:
            text = anomaly.seriesKey
        case .segment:
            let group = anomaly.tags.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: ",")
            text = "\(anomaly.metricName), hourly mean of \(group),"
        case .organization:
            text = "\(anomaly.metricName), hourly mean of the organization,"
        }
        let weekly = anomaly.level == .customer ? "" : " from the same hour of earlier weeks"

        if let expected = anomaly.expectedValue {
            text += " \(anomaly.peakValue < expected ? "fell" : "rose") to \(number(anomaly.peakValue)) at \(anomaly.peakAt), expected about \(number(expected))\(weekly)"
            if let low = anomaly.expectedLow, let high = anomaly.expectedHigh, low < high {
                text += " (methods' range \(number(low)) to \(number(high)))"
            }
        } else {
            text += " reached \(number(anomaly.peakValue)) at \(anomaly.peakAt)"
        }
        let voters = anomaly.methods.filter(\.vote).map(\.method)
        let who = voters.isEmpty ? "the ensemble" : list(voters)
        let points = anomaly.anomalousPoints == 1 ? "1 point" : "\(anomaly.anomalousPoints) points"
        if anomaly.startedAt == anomaly.endedAt {
            text += "; \(who) flagged \(points)."
        } else {
            text += "; \(who) flagged \(points) from \(anomaly.startedAt) to \(anomaly.endedAt)."
        }
        return text
    }

    static func number(_ value: Double) -> String {
        guard value.isFinite else { return "\(value)" }
        if value == value.rounded(), abs(value) < 1e15 { return String(Int64(value)) }
        return String(format: abs(value) >= 100 ? "%.1f" : "%.3g", value)
    }

    static func list(_ items: [String]) -> String {
        switch items.count {
        case 0: return ""
        case 1: return items[0]
        default: return items.dropLast().joined(separator: ", ") + " and " + (items.last ?? "")
        }
    }
}
