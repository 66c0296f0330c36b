import ChurnGuardCore
import ChurnGuardStorage
import Metrics

/// The alerts role with every call timed (`query_type` `select_alerts` / `write_alerts`), as
/// ``TimedBackends`` does for the other roles.
struct TimedAlertStore: AlertStore {
    let base: any AlertStore
    let select: Timer
    let write: Timer

    init(base: any AlertStore, factory: any MetricsFactory) {
        self.base = base
        select = Timer(label: MetricNames.databaseQueryDuration, dimensions: [("query_type", "select_alerts")], factory: factory)
        write = Timer(label: MetricNames.databaseQueryDuration, dimensions: [("query_type", "write_alerts")], factory: factory)
    }

    func alertRules(organization: OrganizationID) async throws -> [AlertRule] {
        try await timed(select) { try await base.alertRules(organization: organization) }
    }

    func allAlertRules() async throws -> [OrganizationID: [AlertRule]] {
        try await timed(select) { try await base.allAlertRules() }
    }

    func putAlertRule(_ rule: AlertRule, organization: OrganizationID, at time: Timestamp) async throws {
        try await timed(write) { try await base.putAlertRule(rule, organization: organization, at: time) }
    }

    func replaceAlertRules(_ rules: [AlertRule], organization: OrganizationID, at time: Timestamp) async throws {
        try await timed(write) { try await base.replaceAlertRules(rules, organization: organization, at: time) }
    }

    func deleteAlertRule(id: String, organization: OrganizationID) async throws -> Bool {
        try await timed(write) { try await base.deleteAlertRule(id: id, organization: organization) }
    }

    func saveAlert(_ alert: Alert, appending history: [AlertHistoryEntry]) async throws {
        try await timed(write) { try await base.saveAlert(alert, appending: history) }
    }

    func saveAlerts(_ changes: [AlertChange], organization: OrganizationID) async throws {
        try await timed(write) { try await base.saveAlerts(changes, organization: organization) }
    }

    func alert(id: String, organization: OrganizationID) async throws -> Alert? {
        try await timed(select) { try await base.alert(id: id, organization: organization) }
    }

    func alerts(_ query: AlertQuery, organization: OrganizationID) async throws -> [Alert] {
        try await timed(select) { try await base.alerts(query, organization: organization) }
    }

    func openAlerts() async throws -> [Alert] {
        try await timed(select) { try await base.openAlerts() }
    }

    func alertHistory(id: String, organization: OrganizationID) async throws -> [AlertHistoryEntry] {
        try await timed(select) { try await base.alertHistory(id: id, organization: organization) }
    }
}
