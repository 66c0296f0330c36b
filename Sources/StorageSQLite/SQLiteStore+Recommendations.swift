public import ChurnGuardCore
public import ChurnGuardStorage
import GRDB

extension SQLiteStore: RecommendationStore {
    public func saveRecommendations(_ recommendations: [Recommendation], organization: OrganizationID, at now: Timestamp) async throws
        -> [SavedRecommendation] {
        try await write { db in
            try recommendations.map { draft in try Self.save(draft, organization: organization, db) }
        }
    }

    public func recommendation(id: String, organization: OrganizationID) async throws -> Recommendation? {
        try await read { db in
            try Self.fetchRecommendation(id: id, organization: organization, db)
        }
    }

    public func recommendations(_ query: RecommendationQuery, organization: OrganizationID) async throws -> [Recommendation] {
        var sql = "SELECT document FROM recommendations WHERE organization_id = ?"
        var arguments: [(any DatabaseValueConvertible)?] = [organization.description]
        if let category = query.category { sql += " AND category = ?"; arguments.append(category.rawValue) }
        if let status = query.status { sql += " AND status = ?"; arguments.append(status.rawValue) }
        if let rule = query.ruleID { sql += " AND rule_id = ?"; arguments.append(rule) }
        sql += " ORDER BY expected_value DESC, confidence DESC, updated_at DESC, id ASC LIMIT ?"
        arguments.append(max(0, query.limit))
        let statement = sql
        let bound = StatementArguments(arguments)
        return try await read { db in
            try String.fetchAll(db, sql: statement, arguments: bound).map(Recommendation.fromStoredDocument)
        }
    }

    public func updateRecommendation(id: String, organization: OrganizationID, _ transition: RecommendationTransition) async throws
        -> Recommendation? {
        try await write { db in
            guard let current = try Self.fetchRecommendation(id: id, organization: organization, db) else { return nil }
            let next = try current.applying(transition)
            if next != current { try Self.update(next, db) }
            return next
        }
    }

    public func pruneRecommendations(organization: OrganizationID, keep: Int, confirmedAt: Timestamp) async throws -> Int {
        try await write { db in
            try db.execute(sql: """
                DELETE FROM recommendations WHERE organization_id = ?1 AND status = 'open' AND (updated_at < ?2 OR id NOT IN (
                    SELECT id FROM recommendations WHERE organization_id = ?1 AND status = 'open' AND updated_at >= ?2
                    ORDER BY expected_value DESC, confidence DESC, updated_at DESC, id ASC LIMIT ?3))
                """, arguments: [organization.description, confirmedAt.microseconds, max(0, keep)])
            return db.changesCount
        }
    }

    private static func fetchRecommendation(id: String, organization: OrganizationID, _ db: Database) throws -> Recommendation? {
        try String.fetchOne(db, sql: "SELECT document FROM recommendations WHERE id = ? AND organization_id = ?",
                            arguments: [id, organization.description]).map(Recommendation.fromStoredDocument)
    }

    private static func save(_ draft: Recommendation, organization: OrganizationID, _ db: Database) throws -> SavedRecommendation {
        var draft = draft
        draft.organization = organization
        if let document = try String.fetchOne(db, sql: """
            SELECT document FROM recommendations WHERE organization_id = ? AND rule_id = ? AND target_key = ?
            """, arguments: [organization.description, draft.ruleID, draft.target.key]) {
            let existing = try Recommendation.fromStoredDocument(document)
            let next = existing.refreshed(by: draft)
            if next != existing { try update(next, db) }
            return SavedRecommendation(recommendation: next, created: false)
        }
        if try String.fetchOne(db, sql: "SELECT organization_id FROM recommendations WHERE id = ?", arguments: [draft.id]) != nil {
            throw StoreError.conflict("recommendation id \(draft.id) exists")
        }
        try db.execute(sql: """
            INSERT INTO recommendations (id, organization_id, rule_id, target_key, category, status, expected_value, confidence,
                                         updated_at, document)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """, arguments: [draft.id, organization.description, draft.ruleID, draft.target.key, draft.category.rawValue,
                             draft.status.rawValue, draft.expectedValue, draft.confidence, draft.updatedAt.microseconds,
                             try draft.storedDocument()])
        return SavedRecommendation(recommendation: draft, created: true)
    }

    private static func update(_ recommendation: Recommendation, _ db: Database) throws {
        try db.execute(sql: """
            UPDATE recommendations SET category = ?, status = ?, expected_value = ?, confidence = ?, updated_at = ?, document = ?
            WHERE id = ? AND organization_id = ?
            """, arguments: [recommendation.category.rawValue, recommendation.status.rawValue, recommendation.expectedValue,
                             recommendation.confidence, recommendation.updatedAt.microseconds, try recommendation.storedDocument(),
                             recommendation.id, recommendation.organization.description])
    }
}
