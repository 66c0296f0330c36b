public import ChurnGuardCore

/// Which alerts a listing returns, newest change first.
public struct AlertQuery: Sendable, Equatable {
    /// Only alerts in one of these states (all states when empty).
    public var states: Set<AlertState>
    /// Only alerts of this metric.
    public var metricName: String?
    /// Only alerts of this customer (`customer_id` tag).
    public var customerID: String?
    /// Most alerts returned.
    public var limit: Int

    /// Creates a query.
    public init(states: Set<AlertState> = [], metricName: String? = nil, customerID: String? = nil, limit: Int = 100) {
        self.states = states
        self.metricName = metricName
        self.customerID = customerID
        self.limit = limit
    }

    /// Whether `alert` is selected (the in-memory store's filter, and the SQL backends' reference).
    public func matches(_ alert: Alert) -> Bool {
        (states.isEmpty || states.contains(alert.state)) && (metricName.map { $0 == alert.metricName } ?? true)
            && (customerID.map { $0 == alert.customerID } ?? true)
    }
}

/// The alerts role: organizations' alert rules, alerts and each alert's history. Every method
/// may be called concurrently. Checked by `StoreConformance.alertCases`.
///
/// What every implementation promises:
/// - **One open alert per rule and series.** Saving a *new* pending or firing alert while
///   another open alert of the same organization, rule and series (``Alert/seriesKey``)
///   exists fails with ``StoreError/conflict(_:)``; after a restart the evaluator therefore
///   finds and continues the open alert instead of opening a duplicate.
/// - **Atomic history.** ``saveAlert(_:appending:)`` stores the alert's new state and its new
///   history entries in one transaction; history is kept in the order appended.
///   ``saveAlerts(_:organization:)`` does the same for many changes at once.
/// - **Tenant scope.** Reads and writes of one organization never see another's rules or alerts.
public protocol AlertStore: Sendable {
    /// The organization's own rules, by id.
    func alertRules(organization: OrganizationID) async throws -> [AlertRule]

    /// Every organization's own rules (the evaluator loads them at start-up).
    func allAlertRules() async throws -> [OrganizationID: [AlertRule]]

    /// Creates the rule or replaces the organization's rule with its id.
    func putAlertRule(_ rule: AlertRule, organization: OrganizationID, at time: Timestamp) async throws

    /// Replaces every rule of the organization with `rules`, atomically.
    func replaceAlertRules(_ rules: [AlertRule], organization: OrganizationID, at time: Timestamp) async throws

    /// Deletes one rule; `false` when the organization has none with this id.
    func deleteAlertRule(id: String, organization: OrganizationID) async throws -> Bool

    /// Inserts the alert, or updates the stored alert with its id, and appends `history`, in
    /// one transaction.
    /// - Throws: ``StoreError/conflict(_:)`` when it would be a second open alert of its rule and series.
    func saveAlert(_ alert: Alert, appending history: [AlertHistoryEntry]) async throws

    /// Saves several changes of one organization's alerts, in order, in one transaction: all
    /// or none (the evaluator stores a burst of transitions at the cost of one commit).
    /// - Throws: ``StoreError/conflict(_:)`` as ``saveAlert(_:appending:)`` would for any of
    ///   them, or when a change is of another organization's alert.
    func saveAlerts(_ changes: [AlertChange], organization: OrganizationID) async throws

    /// One alert of the organization, if it exists.
    func alert(id: String, organization: OrganizationID) async throws -> Alert?

    /// The organization's alerts selected by `query`, most recently changed first.
    func alerts(_ query: AlertQuery, organization: OrganizationID) async throws -> [Alert]

    /// Every open (pending or firing) alert of every organization (the evaluator's start-up).
    func openAlerts() async throws -> [Alert]

    /// An alert's history, oldest first; empty for an unknown alert.
    func alertHistory(id: String, organization: OrganizationID) async throws -> [AlertHistoryEntry]
}

/// One alert's new state and the history entries it appends: what the evaluator stores for a
/// transition.
public struct AlertChange: Sendable, Hashable {
    /// The alert as it is now.
    public var alert: Alert
    /// Entries appended to its history.
    public var history: [AlertHistoryEntry]

    /// Creates a change.
    public init(alert: Alert, history: [AlertHistoryEntry]) {
        self.alert = alert
        self.history = history
    }
}
