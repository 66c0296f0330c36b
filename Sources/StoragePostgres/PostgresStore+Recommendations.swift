public import ChurnGuardCore
public import ChurnGuardStorage
import Foundation
import PostgresNIO

extension PostgresStore: RecommendationStore {
    public func saveRecommendations(_ recommendations: [Recommendation], organization: OrganizationID, at now: Timestamp) async throws
        -> [SavedRecommendation] {
        do {
            return try await transaction(.tenant(organization)) { connection, logger in
                var saved: [SavedRecommendation] = []
                for draft in recommendations { saved.append(try await Self.save(draft, organization: organization, connection, logger)) }
                return saved
            }
        } catch StoreError.conflict {
            // Another organization's row with this id is invisible under row-level security.
            throw StoreError.conflict("a recommendation id exists")
        }
    }

    public func recommendation(id: String, organization: OrganizationID) async throws -> Recommendation? {
        try await transaction(.tenant(organization)) { connection, logger in
            try await Self.documents(connection.query("""
                SELECT document FROM recommendations WHERE id = \(id) AND organization_id = \(organization.uuid)
                """, logger: logger)).first
        }
    }

    public func recommendations(_ query: RecommendationQuery, organization: OrganizationID) async throws -> [Recommendation] {
        let limit = Int64(max(0, query.limit))
        let category = query.category?.rawValue, status = query.status?.rawValue
        return try await transaction(.tenant(organization)) { connection, logger in
            try await Self.documents(connection.query("""
                SELECT document FROM recommendations
                WHERE organization_id = \(organization.uuid)
                  AND (\(category)::text IS NULL OR category = \(category))
                  AND (\(status)::text IS NULL OR status = \(status))
                  AND (\(query.ruleID)::text IS NULL OR rule_id = \(query.ruleID))
                ORDER BY expected_value DESC, confidence DESC, updated_at DESC, id ASC LIMIT \(limit)
                """, logger: logger))
        }
    }

    public func updateRecommendation(id: String, organization: OrganizationID, _ transition: RecommendationTransition) async throws
        -> Recommendation? {
        try await transaction(.tenant(organization)) { connection, logger in
            guard let current = try await Self.documents(connection.query("""
                SELECT document FROM recommendations WHERE id = \(id) AND organization_id = \(organization.uuid) FOR UPDATE
                """, logger: logger)).first else { return nil }
            let next = try current.applying(transition)
            if next != current { try await Self.update(next, connection, logger) }
            return next
        }
    }

    public func pruneRecommendations(organization: OrganizationID, keep: Int, confirmedAt: Timestamp) async throws -> Int {
        let keep = Int64(max(0, keep))
        let confirmed = confirmedAt.microseconds
        return try await transaction(.tenant(organization)) { connection, logger in
            let rows = try await connection.query("""
                DELETE FROM recommendations WHERE organization_id = \(organization.uuid) AND status = 'open'
                  AND (updated_at < \(confirmed) OR id NOT IN (
                    SELECT id FROM recommendations WHERE organization_id = \(organization.uuid) AND status = 'open'
                      AND updated_at >= \(confirmed)
                    ORDER BY expected_value DESC, confidence DESC, updated_at DESC, id ASC LIMIT \(keep)))
                RETURNING id
                """, logger: logger)
            var deleted = 0
            for try await _ in rows.decode(String.self) { deleted += 1 }
            return deleted
        }
    }

    private static func save(_ draft: Recommendation, organization: OrganizationID,
                             _ connection: PostgresConnection, _ logger: Logger) async throws -> SavedRecommendation {
        var draft = draft
        draft.organization = organization
        let key = draft.target.key
        if let existing = try await documents(connection.query("""
            SELECT document FROM recommendations
            WHERE organization_id = \(organization.uuid) AND rule_id = \(draft.ruleID) AND target_key = \(key) FOR UPDATE
            """, logger: logger)).first {
            let next = existing.refreshed(by: draft)
            if next != existing { try await update(next, connection, logger) }
            return SavedRecommendation(recommendation: next, created: false)
        }
        let document = try draft.storedDocument()
        try await connection.query("""
            INSERT INTO recommendations (id, organization_id, rule_id, target_key, category, status, expected_value, confidence,
                                         updated_at, document)
            VALUES (\(draft.id), \(organization.uuid), \(draft.ruleID), \(key), \(draft.category.rawValue), \(draft.status.rawValue),
                    \(draft.expectedValue), \(draft.confidence), \(draft.updatedAt.microseconds), \(document))
            """, logger: logger)
        return SavedRecommendation(recommendation: draft, created: true)
    }

    private static func update(_ recommendation: Recommendation, _ connection: PostgresConnection, _ logger: Logger) async throws {
        let document = try recommendation.storedDocument()
        try await connection.query("""
            UPDATE recommendations SET category = \(recommendation.category.rawValue), status = \(recommendation.status.rawValue),
                expected_value = \(recommendation.expectedValue), confidence = \(recommendation.confidence),
                updated_at = \(recommendation.updatedAt.microseconds), document = \(document)
            WHERE id = \(recommendation.id) AND organization_id = \(recommendation.organization.uuid)
            """, logger: logger)
    }

    private static func documents(_ rows: PostgresRowSequence) async throws -> [Recommendation] {
        var result: [Recommendation] = []
        for try await text in rows.decode(String.self) { result.append(try Recommendation.fromStoredDocument(text)) }
        return result
    }
}
