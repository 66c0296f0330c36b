import Foundation

/// The stored form of a recommendation: one JSON document (times as integer microseconds),
/// the same on every backend, so a field added later is not a migration.
extension Recommendation: Codable {
    enum CodingKeys: String, CodingKey {
        case id, organization = "organization_id", ruleID = "rule_id", title, description, category, status, target
        case affectedCustomers = "affected_customers", customers, confidence, expectedValue = "expected_value"
        case expectedEffect = "expected_effect", horizonDays = "horizon_days", roi
        case insightIDs = "insight_ids", anomalyIDs = "anomaly_ids", alertIDs = "alert_ids", outcome
        case createdAt = "created_at_us", updatedAt = "updated_at_us", acceptedAt = "accepted_at_us", treatedCustomers = "treated_customers"
        case acceptNote = "accept_note", dismissedAt = "dismissed_at_us", dismissReason = "dismiss_reason"
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        id = try c.decode(String.self, forKey: .id)
        organization = try c.decode(OrganizationID.self, forKey: .organization)
        ruleID = try c.decode(String.self, forKey: .ruleID)
        title = try c.decode(String.self, forKey: .title)
        description = try c.decode(String.self, forKey: .description)
        category = try c.decode(RecommendationCategory.self, forKey: .category)
        status = try c.decode(RecommendationStatus.self, forKey: .status)
        target = try c.decode(RecommendationTarget.self, forKey: .target)
        affectedCustomers = try c.decode(Int.self, forKey: .affectedCustomers)
        customers = try c.decode([String].self, forKey: .customers)
        confidence = try c.decode(Double.self, forKey: .confidence)
        expectedValue = try c.decode(Double.self, forKey: .expectedValue)
        expectedEffect = try c.decode(Double.self, forKey: .expectedEffect)
        horizonDays = try c.decode(Int.self, forKey: .horizonDays)
        roi = try c.decodeIfPresent(ROIEstimate.self, forKey: .roi)
        insightIDs = try c.decode([String].self, forKey: .insightIDs)
        anomalyIDs = try c.decode([String].self, forKey: .anomalyIDs)
        alertIDs = try c.decode([String].self, forKey: .alertIDs)
        outcome = try c.decodeIfPresent(RecommendationOutcome.self, forKey: .outcome)
        createdAt = Timestamp(microseconds: try c.decode(Int64.self, forKey: .createdAt))
        updatedAt = Timestamp(microseconds: try c.decode(Int64.self, forKey: .updatedAt))
        acceptedAt = try c.decodeIfPresent(Int64.self, forKey: .acceptedAt).map(Timestamp.init(microseconds:))
        treatedCustomers = try c.decodeIfPresent([String].self, forKey: .treatedCustomers)
        acceptNote = try c.decodeIfPresent(String.self, forKey: .acceptNote)
        dismissedAt = try c.decodeIfPresent(Int64.self, forKey: .dismissedAt).map(Timestamp.init(microseconds:))
        dismissReason = try c.decodeIfPresent(String.self, forKey: .dismissReason)
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(id, forKey: .id)
        try c.encode(organization, forKey: .organization)
        try c.encode(ruleID, forKey: .ruleID)
        try c.encode(title, forKey: .title)
        try c.encode(description, forKey: .description)
        try c.encode(category, forKey: .category)
        try c.encode(status, forKey: .status)
        try c.encode(target, forKey: .target)
        try c.encode(affectedCustomers, forKey: .affectedCustomers)
        try c.encode(customers, forKey: .customers)
        try c.encode(confidence, forKey: .confidence)
        try c.encode(expectedValue, forKey: .expectedValue)
        try c.encode(expectedEffect, forKey: .expectedEffect)
        try c.encode(horizonDays, forKey: .horizonDays)
        try c.encodeIfPresent(roi, forKey: .roi)
        try c.encode(insightIDs, forKey: .insightIDs)
        try c.encode(anomalyIDs, forKey: .anomalyIDs)
        try c.encode(alertIDs, forKey: .alertIDs)
        try c.encodeIfPresent(outcome, forKey: .outcome)
        try c.encode(createdAt.microseconds, forKey: .createdAt)
        try c.encode(updatedAt.microseconds, forKey: .updatedAt)
        try c.encodeIfPresent(acceptedAt?.microseconds, forKey: .acceptedAt)
        try c.encodeIfPresent(treatedCustomers, forKey: .treatedCustomers)
        try c.encodeIfPresent(acceptNote, forKey: .acceptNote)
        try c.encodeIfPresent(dismissedAt?.microseconds, forKey: .dismissedAt)
        try c.encodeIfPresent(dismissReason, forKey: .dismissReason)
    }

    /// The stored JSON text (sorted keys; non-finite numbers are refused by the encoder, so
    /// every figure is made finite before it gets here).
    public func storedDocument() throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return String(decoding: try encoder.encode(self), as: UTF8.self)
    }

    /// A recommendation from its stored JSON text.
    public static func fromStoredDocument(_ text: String) throws -> Recommendation {
        try JSONDecoder().decode(Recommendation.self, from: Data(text.utf8))
    }
}
