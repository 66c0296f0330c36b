public import ChurnGuardCore
public import ChurnGuardStorage
import Foundation
import PostgresNIO

extension PostgresStore: InsightStore {
    static let insightColumns = """
        id, organization_id, kind, metric_name, segment_dimension, segment_value, severity, confidence, title, narrative, evidence, \
        revenue_impact, first_seen, last_seen, expires_at
        """

    public func saveInsights(_ insights: [Insight], organization: OrganizationID, at now: Timestamp) async throws -> [SavedInsight] {
        do {
            return try await transaction(.tenant(organization)) { connection, logger in
                var saved: [SavedInsight] = []
                for insight in insights { saved.append(try await Self.save(insight, organization: organization, connection, logger)) }
                return saved
            }
        } catch StoreError.conflict {
            // Another organization's row with this id is invisible under row-level security.
            throw StoreError.conflict("an insight id exists")
        }
    }

    public func insight(id: String, organization: OrganizationID) async throws -> Insight? {
        try await transaction(.tenant(organization)) { connection, logger in
            try await Self.insights(connection.query("""
                SELECT \(unescaped: Self.insightColumns) FROM insights WHERE id = \(id) AND organization_id = \(organization.uuid)
                """, logger: logger)).first
        }
    }

    public func insights(_ query: InsightQuery, organization: OrganizationID, at now: Timestamp) async throws -> [Insight] {
        let limit = Int64(max(0, query.limit))
        let weight = query.minimumSeverity.map { Int64($0.weight) } ?? 0
        let kind = query.kind?.rawValue
        return try await transaction(.tenant(organization)) { connection, logger in
            try await Self.insights(connection.query("""
                SELECT \(unescaped: Self.insightColumns) FROM insights
                WHERE organization_id = \(organization.uuid) AND expires_at > \(now.microseconds)
                  AND confidence >= \(query.minimumConfidence) AND severity_weight >= \(weight)
                  AND (\(kind)::text IS NULL OR kind = \(kind))
                  AND (\(query.metricName)::text IS NULL OR metric_name = \(query.metricName))
                  AND (\(query.segmentValue)::text IS NULL OR (segment_dimension <> '' AND segment_value = \(query.segmentValue)))
                ORDER BY rank_score DESC, last_seen DESC, id ASC LIMIT \(limit)
                """, logger: logger))
        }
    }

    public func pruneInsights(organization: OrganizationID, keep: Int, at now: Timestamp) async throws -> Int {
        let keep = Int64(max(0, keep))
        return try await transaction(.tenant(organization)) { connection, logger in
            let rows = try await connection.query("""
                DELETE FROM insights WHERE organization_id = \(organization.uuid) AND (expires_at <= \(now.microseconds) OR id NOT IN (
                    SELECT id FROM insights WHERE organization_id = \(organization.uuid) AND expires_at > \(now.microseconds)
                    ORDER BY rank_score DESC, last_seen DESC, id ASC LIMIT \(keep)))
                RETURNING id
                """, logger: logger)
            var deleted = 0
            for try await _ in rows.decode(String.self) { deleted += 1 }
            return deleted
        }
    }

    private static func save(_ insight: Insight, organization: OrganizationID,
                             _ connection: PostgresConnection, _ logger: Logger) async throws -> SavedInsight {
        var insight = insight
        insight.organization = organization
        let dimension = insight.segment?.dimension ?? "", value = insight.segment?.value ?? ""
        let evidence = InsightEvidence.encode(insight.evidence)
        let weight = Int64(insight.severity.weight)
        let existing = try await connection.query("""
            SELECT id, first_seen FROM insights
            WHERE organization_id = \(organization.uuid) AND kind = \(insight.kind.rawValue) AND metric_name = \(insight.metricName)
              AND segment_dimension = \(dimension) AND segment_value = \(value)
            """, logger: logger)
        var found: (String, Int64)?
        for try await row in existing.decode((String, Int64).self) { found = row }
        if let found {
            let (id, firstSeen) = found
            insight.id = id
            insight.firstSeen = Timestamp(microseconds: firstSeen)
            try await connection.query("""
                UPDATE insights SET severity = \(insight.severity.rawValue), severity_weight = \(weight),
                    confidence = \(insight.confidence), rank_score = \(insight.rankScore), title = \(insight.title),
                    narrative = \(insight.narrative), evidence = \(evidence), revenue_impact = \(insight.revenueImpact),
                    last_seen = \(insight.lastSeen.microseconds), expires_at = \(insight.expiresAt.microseconds)
                WHERE id = \(id) AND organization_id = \(organization.uuid)
                """, logger: logger)
            return SavedInsight(insight: insight, created: false)
        }
        try await connection.query("""
            INSERT INTO insights (id, organization_id, kind, metric_name, segment_dimension, segment_value, severity, severity_weight,
                                  confidence, rank_score, title, narrative, evidence, revenue_impact, first_seen, last_seen, expires_at)
            VALUES (\(insight.id), \(organization.uuid), \(insight.kind.rawValue), \(insight.metricName), \(dimension), \(value),
                    \(insight.severity.rawValue), \(weight), \(insight.confidence), \(insight.rankScore), \(insight.title),
                    \(insight.narrative), \(evidence), \(insight.revenueImpact), \(insight.firstSeen.microseconds),
                    \(insight.lastSeen.microseconds), \(insight.expiresAt.microseconds))
            """, logger: logger)
        return SavedInsight(insight: insight, created: true)
    }

    private static func insights(_ rows: PostgresRowSequence) async throws -> [Insight] {
        var result: [Insight] = []
        for try await row in rows {
            let cells = row.makeRandomAccess()
            guard let kind = InsightKind(rawValue: try cells[2].decode(String.self)),
                  let severity = InsightSeverity(rawValue: try cells[6].decode(String.self)) else { continue }
            let dimension = try cells[4].decode(String.self), value = try cells[5].decode(String.self)
            result.append(Insight(
                id: try cells[0].decode(String.self), organization: OrganizationID(try cells[1].decode(UUID.self)), kind: kind,
                metricName: try cells[3].decode(String.self),
                segment: dimension.isEmpty ? nil : InsightSegment(dimension: dimension, value: value), severity: severity,
                confidence: try cells[7].decode(Double.self), title: try cells[8].decode(String.self),
                narrative: try cells[9].decode(String.self), evidence: InsightEvidence.decode(try cells[10].decode(String.self)),
                revenueImpact: try cells[11].decode(Double?.self), firstSeen: Timestamp(microseconds: try cells[12].decode(Int64.self)),
                lastSeen: Timestamp(microseconds: try cells[13].decode(Int64.self)),
                expiresAt: Timestamp(microseconds: try cells[14].decode(Int64.self))))
        }
        return result
    }
}
