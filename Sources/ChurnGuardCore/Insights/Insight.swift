import Foundation

/// One insight: what changed, who drives it, how sure we are and what it may cost, for one
/// organization.
///
/// An insight is identified within its organization by its kind, metric and segment
/// (``identity``): the generator's next run updates it (keeping its id and first sighting)
/// instead of repeating it, and it expires at ``expiresAt`` when no run confirms it again.
public struct Insight: Sendable, Hashable {
    /// Unique identifier (a UUID, lower case), kept across updates.
    public var id: String
    /// Whose insight this is.
    public var organization: OrganizationID
    /// What it says.
    public var kind: InsightKind
    /// The metric it is about (`customer_activity`); for revenue at risk the risk metric.
    public var metricName: String
    /// The segment it is about, or `nil` for the whole organization.
    public var segment: InsightSegment?
    /// How much it matters.
    public var severity: InsightSeverity
    /// How sure the evidence makes it, in [0, 1] (docs/INSIGHTS.md).
    public var confidence: Double
    /// A short title.
    public var title: String
    /// The sentence for people, rendered from the kind's template.
    public var narrative: String
    /// The figures the sentence was built from.
    public var evidence: [String: InsightEvidenceValue]
    /// Monthly recurring revenue concerned, when known.
    public var revenueImpact: Double?
    /// When a run first and last found it.
    public var firstSeen: Timestamp, lastSeen: Timestamp
    /// When it stops being shown unless a run confirms it.
    public var expiresAt: Timestamp

    /// Creates an insight.
    public init(id: String, organization: OrganizationID, kind: InsightKind, metricName: String, segment: InsightSegment?,
                severity: InsightSeverity, confidence: Double, title: String, narrative: String,
                evidence: [String: InsightEvidenceValue], revenueImpact: Double?, firstSeen: Timestamp, lastSeen: Timestamp,
                expiresAt: Timestamp) {
        self.id = id
        self.organization = organization
        self.kind = kind
        self.metricName = metricName
        self.segment = segment
        self.severity = severity
        self.confidence = confidence
        self.title = title
        self.narrative = narrative
        self.evidence = evidence
        self.revenueImpact = revenueImpact
        self.firstSeen = firstSeen
        self.lastSeen = lastSeen
        self.expiresAt = expiresAt
    }

    /// What identifies it within its organization: kind, metric and segment.
    public var identity: Identity { Identity(kind: kind, metricName: metricName, segment: segment) }

    /// The identity of an insight: a rerun finding the same identity updates the stored insight.
    public struct Identity: Sendable, Hashable {
        public var kind: InsightKind
        public var metricName: String
        public var segment: InsightSegment?
        /// Creates an identity.
        public init(kind: InsightKind, metricName: String, segment: InsightSegment?) {
            self.kind = kind
            self.metricName = metricName
            self.segment = segment
        }
    }

    /// Rank of the insight among its organization's: severity weight × confidence × (1 + log10(1 +
    /// revenue impact)), so severity and confidence order insights and revenue breaks ties upward.
    public var rankScore: Double {
        Self.rankScore(severity: severity, confidence: confidence, revenueImpact: revenueImpact)
    }

    /// The rank of an insight with these figures (see ``rankScore``).
    public static func rankScore(severity: InsightSeverity, confidence: Double, revenueImpact: Double?) -> Double {
        let revenue = max(0, revenueImpact ?? 0)
        return Double(severity.weight) * confidence * (1 + (revenue.isFinite ? log10(1 + revenue) : 0))
    }
}
