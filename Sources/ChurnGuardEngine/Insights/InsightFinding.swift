public import ChurnGuardCore

/// An insight as a generation run finds it, before it is narrated, identified and stored.
public struct InsightFinding: Sendable, Equatable {
    /// What it says.
    public var kind: InsightKind
    /// The metric it is about.
    public var metricName: String
    /// The segment it is about, if any.
    public var segment: InsightSegment?
    /// How much it matters.
    public var severity: InsightSeverity
    /// How sure the evidence makes it (``InsightConfidence``).
    public var confidence: Double
    /// A short title.
    public var title: String
    /// The figures behind it (raw numbers; served as `evidence`).
    public var evidence: [String: InsightEvidenceValue]
    /// The same figures formatted for people, the variables of the kind's narrative template.
    public var variables: [String: String]
    /// Monthly recurring revenue concerned, when known.
    public var revenueImpact: Double?

    /// Creates a finding.
    public init(kind: InsightKind, metricName: String, segment: InsightSegment? = nil, severity: InsightSeverity,
                confidence: Double, title: String, evidence: [String: InsightEvidenceValue], variables: [String: String],
                revenueImpact: Double? = nil) {
        self.kind = kind
        self.metricName = metricName
        self.segment = segment
        self.severity = severity
        self.confidence = confidence
        self.title = title
        self.evidence = evidence
        self.variables = variables
        self.revenueImpact = revenueImpact
    }
}

/// Severity from the size of a relative change: ≥ 50 % critical, ≥ 25 % high, ≥ 10 % medium,
/// else low (docs/INSIGHTS.md).
enum InsightSeverityRule {
    static func forRelativeChange(_ change: Double) -> InsightSeverity {
        let size = abs(change)
        guard size.isFinite else { return .high }
        if size >= 0.5 { return .critical }
        if size >= 0.25 { return .high }
        if size >= 0.1 { return .medium }
        return .low
    }

    /// Severity of revenue at risk from its share of all revenue: ≥ 20 % critical, ≥ 10 % high,
    /// ≥ 5 % medium, else low.
    static func forRevenueShare(_ share: Double) -> InsightSeverity {
        if share >= 0.2 { return .critical }
        if share >= 0.1 { return .high }
        if share >= 0.05 { return .medium }
        return .low
    }
}
