/// How serious a stored anomaly is, from its score and its duration (see ``AnomalySeverity/rating(score:anomalousRows:)``).
public enum AnomalySeverity: String, Sendable, Hashable, CaseIterable, Codable, Comparable {
    case low, medium, high, critical

    /// The documented rule (docs/ANOMALY_DETECTION.md, "Monitoring service"): the peak score
    /// gives the base level (≥ 0.95 high, ≥ 0.8 medium, otherwise low); an event spanning at
    /// least ``sustainedRows`` anomalous rows is one level higher (high becomes critical).
    public static func rating(score: Double, anomalousRows: Int) -> AnomalySeverity {
        let base: AnomalySeverity = score >= 0.95 ? .high : score >= 0.8 ? .medium : .low
        guard anomalousRows >= sustainedRows else { return base }
        switch base {
        case .low: return .medium
        case .medium: return .high
        case .high, .critical: return .critical
        }
    }

    /// Anomalous rows that make an event sustained (one severity level up).
    public static let sustainedRows = 3

    private var rank: Int { Self.allCases.firstIndex(of: self) ?? 0 }
    public static func < (a: AnomalySeverity, b: AnomalySeverity) -> Bool { a.rank < b.rank }
}

/// A user's verdict on an anomaly.
public enum AnomalyFeedbackKind: String, Sendable, Hashable, CaseIterable, Codable {
    /// A real incident.
    case truePositive = "true_positive"
    /// Not an incident: the series is made stricter (within bounds).
    case falsePositive = "false_positive"
    /// A known event (a campaign, a migration): counted, changes nothing.
    case expected
    /// The new level is normal from now on: the series is re-baselined.
    case newNormal = "new_normal"
}

/// Where a stored anomaly stands: `open` until a user gives feedback, then the feedback's kind.
public enum AnomalyStatus: String, Sendable, Hashable, CaseIterable, Codable {
    case open
    case truePositive = "true_positive"
    case falsePositive = "false_positive"
    case expected
    case newNormal = "new_normal"

    /// The status a feedback sets.
    public init(_ feedback: AnomalyFeedbackKind) {
        switch feedback {
        case .truePositive: self = .truePositive
        case .falsePositive: self = .falsePositive
        case .expected: self = .expected
        case .newNormal: self = .newNormal
        }
    }
}

/// One detection method's part in an anomaly: its highest score over the event's rows and
/// whether it voted on any of them.
public struct AnomalyMethodScore: Sendable, Hashable, Codable {
    /// The method's name (`zscore`, `mad`, `iqr`, `seasonal`, `isolation_forest`, `lof`, `regime`).
    public var method: String
    /// Highest score in [0, 1] over the event (0.5 is the method's threshold).
    public var score: Double
    /// Whether the method voted on at least one row of the event.
    public var vote: Bool

    /// Creates a method's part.
    public init(method: String, score: Double, vote: Bool) {
        self.method = method
        self.score = score
        self.vote = vote
    }
}

/// A stored, explained anomaly: one event of consecutive anomalous points of one series.
public struct Anomaly: Sendable, Hashable {
    /// Unique identifier (a UUID, lower case).
    public var id: String
    /// Whose series it is.
    public var organization: OrganizationID
    /// The series' metric.
    public var metricName: String
    /// The series' tags.
    public var tags: [String: String]
    /// First anomalous point's time.
    public var startedAt: Timestamp
    /// Last anomalous point's time (equal to `startedAt` for a single point).
    public var endedAt: Timestamp
    /// Time of the highest-scoring point.
    public var peakAt: Timestamp
    /// Value at the peak.
    public var peakValue: Double
    /// What the methods expected at the peak (median of their expectations), when any had one.
    public var expectedValue: Double?
    /// Lowest of the methods' expectations at the peak.
    public var expectedLow: Double?
    /// Highest of the methods' expectations at the peak.
    public var expectedHigh: Double?
    /// Highest ensemble score over the event, in [0.5, 1].
    public var score: Double
    /// From score and duration (``AnomalySeverity/rating(score:anomalousRows:)``).
    public var severity: AnomalySeverity
    /// Anomalous points merged into the event.
    public var anomalousPoints: Int
    /// Every method's highest score and whether it voted.
    public var methods: [AnomalyMethodScore]
    /// One sentence saying what happened.
    public var explanation: String
    /// `open`, or the feedback given.
    public var status: AnomalyStatus
    /// The feedback's comment.
    public var feedbackComment: String?
    /// When feedback was given.
    public var feedbackAt: Timestamp?
    /// When the monitor first stored it.
    public var detectedAt: Timestamp
    /// Last change (extended by a later run, or feedback).
    public var updatedAt: Timestamp
    /// What the series covers: a customer's series, a segment, or the organization.
    public var level: AnomalyLevel
    /// The wider anomaly this one is part of (a customer's inside its segment's, a segment's
    /// inside the organization's), when one overlapped it.
    public var parentID: String?
    /// The narrower anomalies found inside this one (the customers of a segment anomaly, the
    /// segments of an organization anomaly), sorted.
    public var relatedIDs: [String]

    /// Creates an anomaly.
    public init(id: String, organization: OrganizationID, metricName: String, tags: [String: String], startedAt: Timestamp,
                endedAt: Timestamp, peakAt: Timestamp, peakValue: Double, expectedValue: Double?, expectedLow: Double?,
                expectedHigh: Double?, score: Double, severity: AnomalySeverity, anomalousPoints: Int, methods: [AnomalyMethodScore],
                explanation: String, status: AnomalyStatus = .open, feedbackComment: String? = nil, feedbackAt: Timestamp? = nil,
                detectedAt: Timestamp, updatedAt: Timestamp, level: AnomalyLevel = .customer, parentID: String? = nil,
                relatedIDs: [String] = []) {
        self.id = id
        self.organization = organization
        self.metricName = metricName
        self.tags = tags
        self.startedAt = startedAt
        self.endedAt = endedAt
        self.peakAt = peakAt
        self.peakValue = peakValue
        self.expectedValue = expectedValue
        self.expectedLow = expectedLow
        self.expectedHigh = expectedHigh
        self.score = score
        self.severity = severity
        self.anomalousPoints = anomalousPoints
        self.methods = methods
        self.explanation = explanation
        self.status = status
        self.feedbackComment = feedbackComment
        self.feedbackAt = feedbackAt
        self.detectedAt = detectedAt
        self.updatedAt = updatedAt
        self.level = level
        self.parentID = parentID
        self.relatedIDs = relatedIDs
    }

    /// The series' identity as text: `metric{k1=v1,…}` (keys sorted) as alerts use for a
    /// customer series, prefixed by `segment:` or `organization:` for the wider levels.
    public var seriesKey: String { level.keyPrefix + Alert.seriesKey(metricName: metricName, tags: tags) }
}

extension Anomaly {
    /// The storage text of ``relatedIDs``: the ids joined by `,` (ids are UUIDs).
    public static func encodeRelated(_ ids: [String]) -> String { ids.joined(separator: ",") }

    /// Reads ``encodeRelated(_:)``'s text.
    public static func decodeRelated(_ text: String) -> [String] { text.split(separator: ",").map(String.init) }
}

extension AnomalyMethodScore {
    /// The storage text of a list: `method:score:vote` entries joined by `;` (scores in
    /// Swift's shortest round-tripping form, votes 1 or 0).
    public static func encode(_ list: [AnomalyMethodScore]) -> String {
        list.map { "\($0.method):\($0.score):\($0.vote ? 1 : 0)" }.joined(separator: ";")
    }

    /// Reads ``encode(_:)``'s text; malformed entries are dropped.
    public static func decode(_ text: String) -> [AnomalyMethodScore] {
        text.split(separator: ";").compactMap { entry in
            let parts = entry.split(separator: ":", omittingEmptySubsequences: false)
            guard parts.count == 3, let score = Double(parts[1]) else { return nil }
            return AnomalyMethodScore(method: String(parts[0]), score: score, vote: parts[2] == "1")
        }
    }
}
