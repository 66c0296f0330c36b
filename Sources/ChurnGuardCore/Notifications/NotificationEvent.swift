/// What kind of thing a notification tells about. Raw values are the wire names (webhook
/// `type`, route `events`).
public enum NotificationEventKind: String, Sendable, Hashable, CaseIterable, Codable {
    /// An alert started firing.
    case alertFiring = "alert.firing"
    /// A fired alert resolved.
    case alertResolved = "alert.resolved"
    /// The anomaly monitor stored a new anomaly.
    case anomalyDetected = "anomaly.detected"
    /// An insight generation run found an insight no earlier run had found.
    case insightGenerated = "insight.generated"
    /// A recommendation run proposed an action no earlier run had proposed.
    case recommendationCreated = "recommendation.created"
    /// The service logged an error (`monitoring.alert_on_errors`): for the operator's routes.
    case serviceError = "service.error"
    /// A test message asked for through the API.
    case test = "test"
}

/// One event to notify, as stored in the outbox and rendered by every channel.
///
/// Built by the part that saw the event (the alert evaluator, the anomaly monitor, the insight
/// generator); everything a channel shows is here, so a message reads the same after a restart.
public struct NotificationEvent: Sendable, Hashable, Codable {
    /// Stable identity of the event (`alert:<alert id>:firing`): the base of every
    /// message's idempotency key, so the same event is never queued twice for a route.
    public var id: String
    /// What kind of event.
    public var kind: NotificationEventKind
    /// Whose event.
    public var organization: OrganizationID
    /// How urgent (alerts: the rule's severity).
    public var severity: AlertSeverity
    /// One line, e.g. `churn_risk_score above 0.8 (0.93) for customer c-17`.
    public var title: String
    /// A sentence or two for the body.
    public var summary: String
    /// When it happened.
    public var occurredAt: Timestamp
    /// Events with the same group key that are due together are sent as one digest.
    public var groupKey: String
    /// Path of the dashboard view (relative to `notifications.dashboard_url`).
    public var link: String?
    /// The key numbers and names shown in every message, in order.
    public var facts: [Fact]
    /// The amount of money the event concerns (a recommendation's expected value), which a
    /// route's `minimum_value` compares; `nil` for events without one.
    public var value: Double?

    /// One named value of a message (`metric`, `value`, `threshold`, `customer`).
    public struct Fact: Sendable, Hashable, Codable {
        /// Name shown.
        public var name: String
        /// Value shown.
        public var value: String

        /// Creates a fact.
        public init(_ name: String, _ value: String) {
            self.name = name
            self.value = value
        }
    }

    enum CodingKeys: String, CodingKey {
        case id, kind, organization, severity, title, summary, occurredAt = "occurred_at_us", groupKey = "group_key", link, facts, value
    }

    /// Decodes an event stored by ``encode(to:)`` (times as integer microseconds).
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        id = try container.decode(String.self, forKey: .id)
        kind = try container.decode(NotificationEventKind.self, forKey: .kind)
        organization = try container.decode(OrganizationID.self, forKey: .organization)
        severity = try container.decode(AlertSeverity.self, forKey: .severity)
        title = try container.decode(String.self, forKey: .title)
        summary = try container.decode(String.self, forKey: .summary)
        occurredAt = Timestamp(microseconds: try container.decode(Int64.self, forKey: .occurredAt))
        groupKey = try container.decode(String.self, forKey: .groupKey)
        link = try container.decodeIfPresent(String.self, forKey: .link)
        facts = try container.decode([Fact].self, forKey: .facts)
        value = try container.decodeIfPresent(Double.self, forKey: .value)
    }

    /// Encodes the event for the outbox (times as integer microseconds).
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(id, forKey: .id)
        try container.encode(kind, forKey: .kind)
        try container.encode(organization, forKey: .organization)
        try container.encode(severity, forKey: .severity)
        try container.encode(title, forKey: .title)
        try container.encode(summary, forKey: .summary)
        try container.encode(occurredAt.microseconds, forKey: .occurredAt)
        try container.encode(groupKey, forKey: .groupKey)
        try container.encodeIfPresent(link, forKey: .link)
        try container.encode(facts, forKey: .facts)
        try container.encodeIfPresent(value, forKey: .value)
    }

    /// Creates an event.
    public init(id: String, kind: NotificationEventKind, organization: OrganizationID, severity: AlertSeverity, title: String,
                summary: String, occurredAt: Timestamp, groupKey: String, link: String? = nil, facts: [Fact] = [], value: Double? = nil) {
        self.id = id
        self.kind = kind
        self.organization = organization
        self.severity = severity
        self.title = title
        self.summary = summary
        self.occurredAt = occurredAt
        self.groupKey = groupKey
        self.link = link
        self.facts = facts
        self.value = value
    }
}

extension AlertSeverity: Comparable {
    /// Order of urgency: low < medium < high < critical.
    public var rank: Int {
        switch self {
        case .low: 0
        case .medium: 1
        case .high: 2
        case .critical: 3
        }
    }

    public static func < (lhs: AlertSeverity, rhs: AlertSeverity) -> Bool { lhs.rank < rhs.rank }
}
