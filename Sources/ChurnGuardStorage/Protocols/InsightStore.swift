public import ChurnGuardCore

/// Which insights a listing returns, highest rank first.
public struct InsightQuery: Sendable, Equatable {
    /// Only insights of this severity or above.
    public var minimumSeverity: InsightSeverity?
    /// Only insights of this kind.
    public var kind: InsightKind?
    /// Only insights about this metric.
    public var metricName: String?
    /// Only insights about this segment value (any dimension).
    public var segmentValue: String?
    /// Only insights at least this confident.
    public var minimumConfidence: Double
    /// Most insights returned.
    public var limit: Int

    /// Creates a query.
    public init(minimumSeverity: InsightSeverity? = nil, kind: InsightKind? = nil, metricName: String? = nil,
                segmentValue: String? = nil, minimumConfidence: Double = 0, limit: Int = 100) {
        self.minimumSeverity = minimumSeverity
        self.kind = kind
        self.metricName = metricName
        self.segmentValue = segmentValue
        self.minimumConfidence = minimumConfidence
        self.limit = limit
    }

    /// Whether `insight` is selected at `now` (the in-memory store's filter, the SQL backends' reference).
    public func matches(_ insight: Insight, at now: Timestamp) -> Bool {
        insight.expiresAt > now
            && (minimumSeverity.map { insight.severity >= $0 } ?? true)
            && (kind.map { $0 == insight.kind } ?? true)
            && (metricName.map { $0 == insight.metricName } ?? true)
            && (segmentValue.map { $0 == insight.segment?.value } ?? true)
            && insight.confidence >= minimumConfidence
    }

    /// The listing order: rank score, then most recently seen, then id.
    public static func ranksBefore(_ a: Insight, _ b: Insight) -> Bool {
        (a.rankScore, a.lastSeen, b.id) > (b.rankScore, b.lastSeen, a.id)
    }
}

/// An insight as stored by ``InsightStore/saveInsights(_:organization:at:)``, and whether the
/// run created it (`false`: it updated the insight of the same identity).
public struct SavedInsight: Sendable, Equatable {
    /// The stored insight (with the id and first sighting kept from an earlier run).
    public var insight: Insight
    /// Whether no insight of its identity was stored before.
    public var created: Bool

    /// Creates a result.
    public init(insight: Insight, created: Bool) {
        self.insight = insight
        self.created = created
    }
}

/// The insights role: each organization's generated insights. Every method may be called
/// concurrently. Checked by `StoreConformance.insightCases`.
///
/// What every implementation promises:
/// - **One insight per identity.** Saving an insight whose organization, kind, metric and
///   segment match a stored one (expired or not) updates that one, keeping its id and first
///   sighting; the other fields are replaced.
/// - **Expiry.** Listings leave out insights whose `expiresAt` is not after the given time.
/// - **Tenant scope.** One organization never reads, updates or prunes another's insights.
public protocol InsightStore: Sendable {
    /// Stores a run's insights of one organization in one transaction, each inserted or
    /// updated by identity; answers them as stored, in the order given.
    func saveInsights(_ insights: [Insight], organization: OrganizationID, at now: Timestamp) async throws -> [SavedInsight]

    /// One insight of the organization (expired ones included), if it exists.
    func insight(id: String, organization: OrganizationID) async throws -> Insight?

    /// The organization's unexpired insights selected by `query`, highest rank first
    /// (``InsightQuery/ranksBefore(_:_:)``).
    func insights(_ query: InsightQuery, organization: OrganizationID, at now: Timestamp) async throws -> [Insight]

    /// Deletes the organization's expired insights and, beyond the `keep` highest ranked, the
    /// rest; answers how many were deleted.
    func pruneInsights(organization: OrganizationID, keep: Int, at now: Timestamp) async throws -> Int
}
