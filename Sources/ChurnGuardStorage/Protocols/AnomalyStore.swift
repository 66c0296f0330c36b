public import ChurnGuardCore

/// The anomalies role: stored, explained anomalies and each watched series' monitor state
/// (checkpoint, open event, feedback tuning). Every method may be called concurrently.
/// Checked by `StoreConformance.anomalyCases`.
///
/// What every implementation promises:
/// - **Atomic progress.** ``commitMonitorRun(anomalies:states:organization:)`` stores the new
///   and extended anomalies and the series' checkpoints in one transaction, so a monitor that
///   stops anywhere restarts from the last committed checkpoint: it neither reports an anomaly
///   twice nor skips a point.
/// - **One writer per checkpoint.** Each state carries the checkpoint its run started from;
///   when the stored checkpoint is another (a second monitor advanced it meanwhile), the whole
///   call fails with ``StoreError/conflict(_:)`` and stores nothing.
/// - **Tuning is the user's.** Committing progress never changes a series' tuning, and
///   feedback never changes its checkpoint.
/// - **Tenant scope.** Reads and writes of one organization never see another's rows.
public protocol AnomalyStore: Sendable {
    /// The monitor state of every series of `metricName` the organization has one for.
    func anomalySeriesStates(metricName: String, organization: OrganizationID) async throws -> [AnomalySeriesState]

    /// Inserts or extends `anomalies` (by id; status, feedback and level links are kept: links
    /// are written by ``linkAnomalies(parentID:childIDs:organization:)`` only) and advances the
    /// checkpoints of `states`, in one transaction.
    /// - Throws: ``StoreError/conflict(_:)`` when a stored checkpoint is not the state's
    ///   `previousCheckpoint` (nothing is stored then).
    func commitMonitorRun(anomalies: [Anomaly], states: [AnomalySeriesState], organization: OrganizationID) async throws

    /// Links narrower anomalies to a wider one, in one transaction: each of `childIDs` without
    /// a parent gets `parentID`, and the parent's related ids gain every child id. No other
    /// field is written, so a monitor extending one of them at the same time (another monitor
    /// holding its series) loses nothing. Ids the organization does not have are ignored.
    /// - Returns: how many rows changed (children given the parent, and the parent when its list grew).
    func linkAnomalies(parentID: String, childIDs: [String], organization: OrganizationID) async throws -> Int

    /// One anomaly of the organization, if it exists.
    func anomaly(id: String, organization: OrganizationID) async throws -> Anomaly?

    /// A page of the organization's anomalies selected by `query`, latest start first.
    func anomalies(_ query: AnomalyQuery, organization: OrganizationID) async throws -> AnomalyPage

    /// Records a user's feedback on an anomaly and sets its series' tuning, in one transaction.
    /// - Returns: the updated anomaly, or nil when the organization has none with this id.
    func recordAnomalyFeedback(id: String, organization: OrganizationID, feedback: AnomalyFeedbackKind, comment: String?,
                               at time: Timestamp, tuning: AnomalySeriesTuning) async throws -> Anomaly?

    /// How many of the organization's anomalies have each status.
    func anomalyStatusCounts(organization: OrganizationID) async throws -> [AnomalyStatus: Int]
}

/// How a user's feedback has tuned one series (bounds in ``AnomalySeriesTuning``).
public struct AnomalySeriesTuning: Sendable, Hashable {
    /// Smallest factor: never more sensitive than the configured sensitivity.
    public static let minimumFactor = 1.0
    /// Largest factor: at most twice as strict (every threshold at most doubled).
    public static let maximumFactor = 2.0
    /// What one false positive multiplies the factor by.
    public static let falsePositiveStep = 1.25
    /// What one true positive divides the factor by (back towards the configured sensitivity).
    public static let truePositiveStep = 1.1

    /// Multiplies the configured sensitivity for this series (1 = untouched).
    public var sensitivityFactor: Double
    /// Points before this time are no longer context (set by `new_normal`).
    public var baselineFrom: Timestamp?

    /// Creates a tuning.
    public init(sensitivityFactor: Double = 1, baselineFrom: Timestamp? = nil) {
        self.sensitivityFactor = sensitivityFactor
        self.baselineFrom = baselineFrom
    }

    /// The tuning after `feedback` on `anomaly`: a false positive makes the series stricter
    /// (× 1.25, at most 2), a true positive relaxes it back (÷ 1.1, never below 1), `new_normal`
    /// re-baselines it from the anomaly's start, `expected` changes nothing.
    public func after(_ feedback: AnomalyFeedbackKind, on anomaly: Anomaly) -> AnomalySeriesTuning {
        var next = self
        switch feedback {
        case .falsePositive: next.sensitivityFactor = min(Self.maximumFactor, sensitivityFactor * Self.falsePositiveStep)
        case .truePositive: next.sensitivityFactor = max(Self.minimumFactor, sensitivityFactor / Self.truePositiveStep)
        case .newNormal: next.baselineFrom = max(baselineFrom ?? anomaly.startedAt, anomaly.startedAt)
        case .expected: break
        }
        return next
    }
}

/// The monitor's state of one series.
public struct AnomalySeriesState: Sendable, Hashable {
    /// The series' metric.
    public var metricName: String
    /// The series' tags.
    public var tags: [String: String]
    /// The last point examined (nil: none yet).
    public var checkpoint: SequenceCursor?
    /// The checkpoint this state was read with (what ``AnomalyStore/commitMonitorRun(anomalies:states:organization:)`` expects to find).
    public var previousCheckpoint: SequenceCursor?
    /// The event still open at the checkpoint (its last anomalous row is recent), to extend.
    public var openAnomalyID: String?
    /// Rows examined since the open event's last anomalous row.
    public var quietRows: Int
    /// Feedback tuning.
    public var tuning: AnomalySeriesTuning
    /// What the series covers (a customer's series, a segment, the organization).
    public var level: AnomalyLevel

    /// Creates a state.
    public init(metricName: String, tags: [String: String], checkpoint: SequenceCursor? = nil, previousCheckpoint: SequenceCursor? = nil,
                openAnomalyID: String? = nil, quietRows: Int = 0, tuning: AnomalySeriesTuning = .init(), level: AnomalyLevel = .customer) {
        self.level = level
        self.metricName = metricName
        self.tags = tags
        self.checkpoint = checkpoint
        self.previousCheckpoint = previousCheckpoint
        self.openAnomalyID = openAnomalyID
        self.quietRows = quietRows
        self.tuning = tuning
    }

    /// The series' identity as text (`metric{k1=v1,…}`, keys sorted, prefixed by the level
    /// for segment and organization series; see ``Anomaly/seriesKey``).
    public var seriesKey: String { level.keyPrefix + Alert.seriesKey(metricName: metricName, tags: tags) }
}

/// Which anomalies a listing returns, latest start first.
public struct AnomalyQuery: Sendable, Equatable {
    /// Only anomalies of this metric.
    public var metricName: String?
    /// Only series carrying every one of these tags.
    public var tags: [String: String]
    /// Only anomalies that end at or after this time.
    public var from: Timestamp?
    /// Only anomalies that start before this time.
    public var to: Timestamp?
    /// Only these severities (all when empty).
    public var severities: Set<AnomalySeverity>
    /// Only these statuses (all when empty).
    public var statuses: Set<AnomalyStatus>
    /// Only these levels (customer series, segments, the organization; all when empty).
    public var levels: Set<AnomalyLevel>
    /// Most anomalies in the page.
    public var limit: Int
    /// Continue after this position (a previous page's `nextCursor`).
    public var after: AnomalyCursor?

    /// Creates a query.
    public init(metricName: String? = nil, tags: [String: String] = [:], from: Timestamp? = nil, to: Timestamp? = nil,
                severities: Set<AnomalySeverity> = [], statuses: Set<AnomalyStatus> = [], levels: Set<AnomalyLevel> = [],
                limit: Int = 100, after: AnomalyCursor? = nil) {
        self.levels = levels
        self.metricName = metricName
        self.tags = tags
        self.from = from
        self.to = to
        self.severities = severities
        self.statuses = statuses
        self.limit = limit
        self.after = after
    }

    /// Whether `anomaly` is selected, ignoring the cursor and limit (the in-memory store's
    /// filter and the SQL backends' reference).
    public func matches(_ anomaly: Anomaly) -> Bool {
        (metricName.map { $0 == anomaly.metricName } ?? true)
            && tags.allSatisfy { anomaly.tags[$0.key] == $0.value }
            && (from.map { anomaly.endedAt >= $0 } ?? true)
            && (to.map { anomaly.startedAt < $0 } ?? true)
            && (severities.isEmpty || severities.contains(anomaly.severity))
            && (statuses.isEmpty || statuses.contains(anomaly.status))
            && (levels.isEmpty || levels.contains(anomaly.level))
    }
}

/// A position in an anomaly listing: the start time and id of the last anomaly returned.
/// Its text form `<hex microseconds>.<id>` is what clients send back.
public struct AnomalyCursor: Sendable, Hashable {
    /// Start of the last anomaly returned.
    public var startedAt: Timestamp
    /// Its id.
    public var id: String

    /// Creates a position.
    public init(startedAt: Timestamp, id: String) {
        self.startedAt = startedAt
        self.id = id
    }

    /// Reads a cursor's text.
    /// - Throws: ``StoreError/invalidCursor`` for anything this format did not make.
    public init(token: String) throws(StoreError) {
        guard token.utf8.count <= 128, let dot = token.firstIndex(of: ".") else { throw StoreError.invalidCursor }
        let micros = token[..<dot], id = token[token.index(after: dot)...]
        guard micros.utf8.count <= 16, let value = Int64(micros, radix: 16), !id.isEmpty,
              id.utf8.allSatisfy({ (48...57).contains($0) || (97...102).contains($0) || $0 == 45 }) else {
            throw StoreError.invalidCursor
        }
        self.init(startedAt: Timestamp(microseconds: value), id: String(id))
    }

    /// The text handed to clients.
    public var token: String { String(startedAt.microseconds, radix: 16) + "." + id }

    /// Whether `anomaly` comes after this position in listing order (latest start first, then id descending).
    public func precedes(_ anomaly: Anomaly) -> Bool {
        (anomaly.startedAt, anomaly.id) < (startedAt, id)
    }
}

/// One page of anomalies and where the next begins.
public struct AnomalyPage: Sendable {
    /// Anomalies, latest start first.
    public var anomalies: [Anomaly]
    /// Present when more may follow.
    public var nextCursor: AnomalyCursor?

    /// Creates a page.
    public init(anomalies: [Anomaly], nextCursor: AnomalyCursor?) {
        self.anomalies = anomalies
        self.nextCursor = nextCursor
    }

    /// The page made of up to `limit + 1` rows in listing order.
    public static func assemble(_ rows: [Anomaly], limit: Int) -> AnomalyPage {
        guard rows.count > limit, limit > 0 else { return AnomalyPage(anomalies: rows, nextCursor: nil) }
        let page = Array(rows.prefix(limit))
        let last = page[page.count - 1]
        return AnomalyPage(anomalies: page, nextCursor: AnomalyCursor(startedAt: last.startedAt, id: last.id))
    }
}
