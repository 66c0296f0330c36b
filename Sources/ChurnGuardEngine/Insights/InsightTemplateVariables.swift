public import ChurnGuardCore

/// The variables each kind's narrative template may use: the figures of a finding formatted
/// for people, plus `confidence_percent` for every kind. A template naming anything else is
/// refused at start-up (file and line), so a typo cannot silently render as nothing.
public enum InsightTemplateVariables {
    /// Variables every kind has.
    public static let common: Set<String> = ["confidence_percent", "title"]

    /// The variables of `kind`'s template.
    public static func allowed(for kind: InsightKind) -> Set<String> {
        common.union(specific(kind))
    }

    static func specific(_ kind: InsightKind) -> Set<String> {
        switch kind {
        case .periodChange: ["metric", "direction", "period", "change_percent", "previous", "current", "p_value"]
        case .trendChange: ["metric", "direction", "days", "recent_slope", "baseline_slope", "recent_low", "recent_high", "p_value"]
        case .segmentContribution:
            ["metric", "direction", "dimension", "value", "share_percent", "size_percent", "segment_change_percent", "revenue",
             "p_value", "broad", "dimensions", "change_percent"]
        case .leadingIndicator: ["metric", "following", "lag", "relation", "correlation", "p_value", "days"]
        case .revenueAtRisk: ["mrr_at_risk", "share_percent", "customers_at_risk", "change", "direction", "newly_at_risk", "threshold", "days"]
        case .thresholdBreach: ["metric", "condition", "threshold", "value", "excess_percent", "customer", "hours"]
        case .anomalyExplained:
            ["metric", "anomalies", "customers", "days", "explanation", "methods_agreed", "method_scores", "concentrated",
             "dimension", "value", "share_percent"]
        }
    }
}
