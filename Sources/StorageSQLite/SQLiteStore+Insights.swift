public import ChurnGuardCore
public import ChurnGuardStorage
import GRDB

extension SQLiteStore: InsightStore {
    static let insightColumns = """
        id, organization_id, kind, metric_name, segment_dimension, segment_value, severity, confidence, title, narrative, evidence,
        revenue_impact, first_seen, last_seen, expires_at
        """

    public func saveInsights(_ insights: [Insight], organization: OrganizationID, at now: Timestamp) async throws -> [SavedInsight] {
        try await write { db in
            try insights.map { insight in try Self.save(insight, organization: organization, db) }
        }
    }

    public func insight(id: String, organization: OrganizationID) async throws -> Insight? {
        try await read { db in
            try Row.fetchOne(db, sql: "SELECT \(Self.insightColumns) FROM insights WHERE id = ? AND organization_id = ?",
                             arguments: [id, organization.description]).flatMap(Self.insight(from:))
        }
    }

    public func insights(_ query: InsightQuery, organization: OrganizationID, at now: Timestamp) async throws -> [Insight] {
        var sql = "SELECT \(Self.insightColumns) FROM insights WHERE organization_id = ? AND expires_at > ? AND confidence >= ?"
        var arguments: [(any DatabaseValueConvertible)?] = [organization.description, now.microseconds, query.minimumConfidence]
        if let severity = query.minimumSeverity { sql += " AND severity_weight >= ?"; arguments.append(severity.weight) }
        if let kind = query.kind { sql += " AND kind = ?"; arguments.append(kind.rawValue) }
        if let metric = query.metricName { sql += " AND metric_name = ?"; arguments.append(metric) }
        if let segment = query.segmentValue { sql += " AND segment_dimension <> '' AND segment_value = ?"; arguments.append(segment) }
        sql += " ORDER BY rank_score DESC, last_seen DESC, id ASC LIMIT ?"
        arguments.append(max(0, query.limit))
        let statement = sql
        let bound = StatementArguments(arguments)
        return try await read { db in
            try Row.fetchAll(db, sql: statement, arguments: bound).compactMap(Self.insight(from:))
        }
    }

    public func pruneInsights(organization: OrganizationID, keep: Int, at now: Timestamp) async throws -> Int {
        try await write { db in
            try db.execute(sql: """
                DELETE FROM insights WHERE organization_id = ?1 AND (expires_at <= ?2 OR id NOT IN (
                    SELECT id FROM insights WHERE organization_id = ?1 AND expires_at > ?2
                    ORDER BY rank_score DESC, last_seen DESC, id ASC LIMIT ?3))
                """, arguments: [organization.description, now.microseconds, max(0, keep)])
            return db.changesCount
        }
    }

    private static func save(_ insight: Insight, organization: OrganizationID, _ db: Database) throws -> SavedInsight {
        var insight = insight
        insight.organization = organization
        let segment = (insight.segment?.dimension ?? "", insight.segment?.value ?? "")
        if let row = try Row.fetchOne(db, sql: """
            SELECT id, first_seen FROM insights
            WHERE organization_id = ? AND kind = ? AND metric_name = ? AND segment_dimension = ? AND segment_value = ?
            """, arguments: [organization.description, insight.kind.rawValue, insight.metricName, segment.0, segment.1]) {
            insight.id = row[0]
            insight.firstSeen = Timestamp(microseconds: row[1])
            try db.execute(sql: """
                UPDATE insights SET severity = ?, severity_weight = ?, confidence = ?, rank_score = ?, title = ?, narrative = ?,
                    evidence = ?, revenue_impact = ?, last_seen = ?, expires_at = ?
                WHERE id = ?
                """, arguments: [insight.severity.rawValue, insight.severity.weight, insight.confidence, insight.rankScore,
                                 insight.title, insight.narrative, InsightEvidence.encode(insight.evidence), insight.revenueImpact,
                                 insight.lastSeen.microseconds, insight.expiresAt.microseconds, insight.id])
            return SavedInsight(insight: insight, created: false)
        }
        if try String.fetchOne(db, sql: "SELECT organization_id FROM insights WHERE id = ?", arguments: [insight.id]) != nil {
            throw StoreError.conflict("insight id \(insight.id) exists")
        }
        try db.execute(sql: """
            INSERT INTO insights (id, organization_id, kind, metric_name, segment_dimension, segment_value, severity, severity_weight,
                                  confidence, rank_score, title, narrative, evidence, revenue_impact, first_seen, last_seen, expires_at)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """, arguments: [insight.id, organization.description, insight.kind.rawValue, insight.metricName, segment.0, segment.1,
                             insight.severity.rawValue, insight.severity.weight, insight.confidence, insight.rankScore,
                             insight.title, insight.narrative, InsightEvidence.encode(insight.evidence), insight.revenueImpact,
                             insight.firstSeen.microseconds, insight.lastSeen.microseconds, insight.expiresAt.microseconds])
        return SavedInsight(insight: insight, created: true)
    }

    static func insight(from row: Row) -> Insight? {
        guard let organization = OrganizationID(row[1] as String), let kind = InsightKind(rawValue: row[2]),
              let severity = InsightSeverity(rawValue: row[6]) else { return nil }
        let dimension: String = row[4], value: String = row[5]
        return Insight(id: row[0], organization: organization, kind: kind, metricName: row[3],
                       segment: dimension.isEmpty ? nil : InsightSegment(dimension: dimension, value: value), severity: severity,
                       confidence: row[7], title: row[8], narrative: row[9], evidence: InsightEvidence.decode(row[10]),
                       revenueImpact: row[11], firstSeen: Timestamp(microseconds: row[12]),
                       lastSeen: Timestamp(microseconds: row[13]), expiresAt: Timestamp(microseconds: row[14]))
    }
}
