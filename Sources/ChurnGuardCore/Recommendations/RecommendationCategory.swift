/// What kind of action a recommendation proposes. Stored and served by its raw value.
public enum RecommendationCategory: String, Sendable, Hashable, CaseIterable, Codable {
    case reEngagementCampaign = "re_engagement_campaign"
    case successCall = "success_call"
    case discount
    case onboardingFix = "onboarding_fix"
    case supportEscalation = "support_escalation"
    case other
}

/// Where a recommendation stands: proposed, taken up (its outcome is then tracked) or set aside.
public enum RecommendationStatus: String, Sendable, Hashable, CaseIterable, Codable {
    case open, accepted, dismissed
}

/// What a recommendation is about: a metric and a segment, both optional (a rule about the
/// whole organization has neither).
public struct RecommendationTarget: Sendable, Hashable, Codable {
    /// The metric the rule watches (`customer_activity`).
    public var metricName: String?
    /// The segment concerned (`segment` = `smb`).
    public var segment: InsightSegment?

    /// Creates a target.
    public init(metricName: String? = nil, segment: InsightSegment? = nil) {
        self.metricName = metricName
        self.segment = segment
    }

    /// The text identifying the target among one rule's recommendations (`metric|dimension=value`).
    public var key: String {
        "\(metricName ?? "")|\(segment.map { "\($0.dimension)=\($0.value)" } ?? "")"
    }

    enum CodingKeys: String, CodingKey {
        case metricName = "metric_name", segment
    }
}
