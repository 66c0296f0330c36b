public import ChurnGuardCore

/// An insight as JSON (the insight routes and `insight` stream messages): the public
/// interface's fields (`id`, `type`, `severity`, `confidence`, `title`, `narrative`,
/// `metric_name`, `evidence`, `created_at`, `expires_at`) plus `segment`, `revenue_impact` and
/// `last_seen`.
public struct InsightJSON: Encodable, Sendable {
    let id: String
    let type: String
    let severity: String
    let confidence: Double
    let title: String
    let narrative: String
    let metric_name: String
    let segment: Segment?
    let evidence: [String: InsightEvidenceValue]
    let revenue_impact: Double?
    let created_at: String
    let last_seen: String
    let expires_at: String

    struct Segment: Encodable, Sendable {
        let dimension: String
        let value: String
    }

    /// The JSON of `insight`.
    public init(_ insight: Insight) {
        id = insight.id
        type = insight.kind.rawValue
        severity = insight.severity.rawValue
        confidence = (insight.confidence * 1000).rounded() / 1000
        title = insight.title
        narrative = insight.narrative
        metric_name = insight.metricName
        segment = insight.segment.map { Segment(dimension: $0.dimension, value: $0.value) }
        evidence = insight.evidence
        revenue_impact = insight.revenueImpact.flatMap { $0.isFinite ? $0 : nil }
        created_at = insight.firstSeen.description
        last_seen = insight.lastSeen.description
        expires_at = insight.expiresAt.description
    }
}
