public import ChurnGuardCore

/// The alerts role in memory: rules per organization, alerts by id, history per alert.
struct InMemoryAlertState {
    var rules: [OrganizationID: [String: AlertRule]] = [:]
    var alerts: [String: Alert] = [:]
    var history: [String: [AlertHistoryEntry]] = [:]
}

extension InMemoryStore: AlertStore {
    public func alertRules(organization: OrganizationID) async throws -> [AlertRule] {
        if let failure { throw failure }
        return (alertState.rules[organization] ?? [:]).values.sorted { $0.id < $1.id }
    }

    public func allAlertRules() async throws -> [OrganizationID: [AlertRule]] {
        if let failure { throw failure }
        return alertState.rules.mapValues { $0.values.sorted { $0.id < $1.id } }.filter { !$0.value.isEmpty }
    }

    public func putAlertRule(_ rule: AlertRule, organization: OrganizationID, at time: Timestamp) async throws {
        if let failure { throw failure }
        alertState.rules[organization, default: [:]][rule.id] = rule
    }

    public func replaceAlertRules(_ rules: [AlertRule], organization: OrganizationID, at time: Timestamp) async throws {
        if let failure { throw failure }
        alertState.rules[organization] = Dictionary(rules.map { ($0.id, $0) }, uniquingKeysWith: { _, last in last })
    }

    public func deleteAlertRule(id: String, organization: OrganizationID) async throws -> Bool {
        if let failure { throw failure }
        return alertState.rules[organization]?.removeValue(forKey: id) != nil
    }

    public func saveAlert(_ alert: Alert, appending history: [AlertHistoryEntry]) async throws {
        if let failure { throw failure }
        if alert.state.isOpen {
            let duplicate = alertState.alerts.values.contains { other in
                other.id != alert.id && other.state.isOpen && other.organization == alert.organization
                    && other.ruleID == alert.ruleID && other.seriesKey == alert.seriesKey
            }
            if duplicate { throw StoreError.conflict("an open alert of rule \(alert.ruleID) on \(alert.seriesKey) exists") }
        }
        if let existing = alertState.alerts[alert.id], existing.organization != alert.organization {
            throw StoreError.conflict("alert id \(alert.id) exists")
        }
        alertState.alerts[alert.id] = alert
        alertState.history[alert.id, default: []].append(contentsOf: history)
    }

    public func saveAlerts(_ changes: [AlertChange], organization: OrganizationID) async throws {
        if let failure { throw failure }
        let before = alertState
        do {
            for change in changes {
                guard change.alert.organization == organization else {
                    throw StoreError.conflict("alert \(change.alert.id) is not of organization \(organization)")
                }
                try await saveAlert(change.alert, appending: change.history)
            }
        } catch {
            alertState = before
            throw error
        }
    }

    public func alert(id: String, organization: OrganizationID) async throws -> Alert? {
        if let failure { throw failure }
        return alertState.alerts[id].flatMap { $0.organization == organization ? $0 : nil }
    }

    public func alerts(_ query: AlertQuery, organization: OrganizationID) async throws -> [Alert] {
        if let failure { throw failure }
        return alertState.alerts.values.filter { $0.organization == organization && query.matches($0) }
            .sorted { ($0.updatedAt, $0.id) > ($1.updatedAt, $1.id) }
            .prefix(max(0, query.limit)).map { $0 }
    }

    public func openAlerts() async throws -> [Alert] {
        if let failure { throw failure }
        return alertState.alerts.values.filter(\.state.isOpen).sorted { $0.id < $1.id }
    }

    public func alertHistory(id: String, organization: OrganizationID) async throws -> [AlertHistoryEntry] {
        if let failure { throw failure }
        guard alertState.alerts[id]?.organization == organization else { return [] }
        return alertState.history[id] ?? []
    }
}
