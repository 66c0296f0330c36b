
/// Where an alert is in its lifecycle.
public enum AlertState: String, Sendable, Hashable, CaseIterable, Codable {
    /// Breached, waiting for the rule's `for` duration.
    case pending
    /// Breached for at least `for`: the alert is on.
    case firing
    /// Over: the value came back (past the hysteresis), or a pending breach cleared early.
    case resolved

    /// Pending and firing alerts are open: at most one per rule and series.
    public var isOpen: Bool { self != .resolved }
}

/// One alert: a rule breached on one series of one organization.
public struct Alert: Sendable, Hashable {
    /// Unique identifier (a UUID, lower case).
    public var id: String
    /// Whose alert this is.
    public var organization: OrganizationID
    /// The rule that raised it.
    public var ruleID: String
    /// The series' metric.
    public var metricName: String
    /// The series' tags.
    public var tags: [String: String]
    /// The series' `customer_id` tag, when it has one: alerts are grouped per customer.
    public var customerID: String?
    /// The rule's severity when raised.
    public var severity: AlertSeverity
    /// The rule's condition when raised.
    public var condition: AlertCondition
    /// The rule's threshold when raised.
    public var threshold: Double
    /// Where it is now.
    public var state: AlertState
    /// The latest value seen while open (the resolving value once resolved).
    public var value: Double
    /// When the breach began (the alert became pending).
    public var startedAt: Timestamp
    /// When it fired, if it did.
    public var firedAt: Timestamp?
    /// When it resolved, if it did.
    public var resolvedAt: Timestamp?
    /// When it was acknowledged, if it was.
    public var acknowledgedAt: Timestamp?
    /// The acknowledgement's comment.
    public var acknowledgeComment: String?
    /// Until when its notifications and stream messages are held back, if snoozed.
    public var snoozedUntil: Timestamp?
    /// Last change.
    public var updatedAt: Timestamp

    /// Creates an alert.
    public init(id: String, organization: OrganizationID, ruleID: String, metricName: String, tags: [String: String],
                severity: AlertSeverity, condition: AlertCondition, threshold: Double, state: AlertState, value: Double,
                startedAt: Timestamp, firedAt: Timestamp? = nil, resolvedAt: Timestamp? = nil, acknowledgedAt: Timestamp? = nil,
                acknowledgeComment: String? = nil, snoozedUntil: Timestamp? = nil, updatedAt: Timestamp) {
        self.id = id
        self.organization = organization
        self.ruleID = ruleID
        self.metricName = metricName
        self.tags = tags
        self.customerID = tags["customer_id"]
        self.severity = severity
        self.condition = condition
        self.threshold = threshold
        self.state = state
        self.value = value
        self.startedAt = startedAt
        self.firedAt = firedAt
        self.resolvedAt = resolvedAt
        self.acknowledgedAt = acknowledgedAt
        self.acknowledgeComment = acknowledgeComment
        self.snoozedUntil = snoozedUntil
        self.updatedAt = updatedAt
    }

    /// The series' identity as text: the metric and its tags sorted by key (the uniqueness
    /// key of open alerts, with the organization and rule).
    public var seriesKey: String { Self.seriesKey(metricName: metricName, tags: tags) }

    /// The canonical text of a series: `metric{k1=v1,k2=v2}` with keys sorted.
    public static func seriesKey(metricName: String, tags: [String: String]) -> String {
        metricName + "{" + tags.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: ",") + "}"
    }

    /// Whether its messages are held back at `now`.
    public func isSnoozed(at now: Timestamp) -> Bool { snoozedUntil.map { now < $0 } ?? false }
}

/// One entry of an alert's history: a state change, an acknowledgement or a snooze.
public struct AlertHistoryEntry: Sendable, Hashable {
    /// What happened.
    public enum Event: String, Sendable, Hashable, CaseIterable {
        /// The breach began.
        case pending
        /// The alert fired.
        case firing
        /// The alert resolved.
        case resolved
        /// A user acknowledged it.
        case acknowledged
        /// A user snoozed it.
        case snoozed
    }

    /// When.
    public var at: Timestamp
    /// What.
    public var event: Event
    /// The value seen then (state changes).
    public var value: Double?
    /// The user's comment (acknowledgements and snoozes).
    public var comment: String?
    /// Until when (snoozes).
    public var until: Timestamp?

    /// Creates an entry.
    public init(at: Timestamp, event: Event, value: Double? = nil, comment: String? = nil, until: Timestamp? = nil) {
        self.at = at
        self.event = event
        self.value = value
        self.comment = comment
        self.until = until
    }
}
