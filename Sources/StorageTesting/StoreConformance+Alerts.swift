import ChurnGuardCore
public import ChurnGuardStorage
import Foundation

extension StoreConformance {
    /// The alerts slice (``AlertStore``): rules, the one-open-alert rule, history, listings, tenant scope.
    public static let alertCases: [Case<any AlertStore>] = [
        Case(name: "rules are put, replaced, listed by id and deleted, per organization") { store in
            let a = OrganizationID.random(), b = OrganizationID.random()
            let churn = AlertRule(id: "churn-high", metricName: "churn_risk_score", condition: .above, threshold: 0.8, severity: .high,
                                  forSeconds: 300, hysteresis: 0.05, tagFilter: ["segment": "smb"])
            var activity = AlertRule(id: "activity-low", metricName: "customer_activity", condition: .below, threshold: 50,
                                     severity: .medium)
            try await store.putAlertRule(churn, organization: a, at: Fixture.base)
            try await store.putAlertRule(activity, organization: a, at: Fixture.base)
            try check(try await store.alertRules(organization: a) == [activity, churn], "listed by id")
            activity.threshold = 40
            activity.enabled = false
            try await store.putAlertRule(activity, organization: a, at: Fixture.base)
            try check(try await store.alertRules(organization: a) == [activity, churn], "put replaces by id")
            try check(try await store.alertRules(organization: b).isEmpty, "another organization sees no rules")
            try await store.putAlertRule(churn, organization: b, at: Fixture.base)
            let all = try await store.allAlertRules()
            try check(all[a] == [activity, churn] && all[b] == [churn], "every organization's rules: \(all)")
            try check(try await store.deleteAlertRule(id: "churn-high", organization: a), "delete")
            try check(try await store.deleteAlertRule(id: "churn-high", organization: a) == false, "second delete")
            try check(try await store.alertRules(organization: b) == [churn], "b's rule of the same id untouched")
            try await store.replaceAlertRules([churn], organization: a, at: Fixture.base)
            try check(try await store.alertRules(organization: a) == [churn], "replace")
        },
        Case(name: "an alert is saved with its history, read back, listed and kept to its organization") { store in
            let a = OrganizationID.random(), b = OrganizationID.random()
            var alert = Fixture.alert(organization: a, customer: "c1")
            try await store.saveAlert(alert, appending: [AlertHistoryEntry(at: alert.startedAt, event: .pending, value: 0.9)])
            alert.state = .firing
            alert.firedAt = alert.startedAt.adding(seconds: 300)
            alert.value = 0.95
            alert.updatedAt = alert.firedAt!
            try await store.saveAlert(alert, appending: [AlertHistoryEntry(at: alert.firedAt!, event: .firing, value: 0.95)])
            try check(try await store.alert(id: alert.id, organization: a) == alert, "read back")
            try check(try await store.alert(id: alert.id, organization: b) == nil, "another organization cannot read it")
            let history = try await store.alertHistory(id: alert.id, organization: a)
            try check(history.map(\.event) == [.pending, .firing] && history.last?.value == 0.95, "history \(history)")
            try check(try await store.alertHistory(id: alert.id, organization: b).isEmpty, "history scoped")
            var other = Fixture.alert(organization: a, customer: "c2", metric: "customer_activity")
            other.updatedAt = alert.updatedAt.adding(seconds: 1)
            try await store.saveAlert(other, appending: [])
            let firing = try await store.alerts(AlertQuery(states: [.firing]), organization: a)
            try check(firing.map(\.id) == [alert.id], "state filter \(firing.map(\.id))")
            try check(try await store.alerts(AlertQuery(), organization: a).map(\.id) == [other.id, alert.id], "newest change first")
            try check(try await store.alerts(AlertQuery(metricName: "customer_activity"), organization: a).map(\.id) == [other.id], "metric filter")
            try check(try await store.alerts(AlertQuery(customerID: "c1"), organization: a).map(\.id) == [alert.id], "customer filter")
            try check(try await store.alerts(AlertQuery(limit: 1), organization: a).count == 1, "limit")
            try check(try await store.alerts(AlertQuery(), organization: b).isEmpty, "tenant scope")
            let open = try await store.openAlerts().filter { $0.organization == a }.map(\.id).sorted()
            try check(open == [alert.id, other.id].sorted(), "open alerts \(open)")
        },
        Case(name: "one open alert per rule and series; a resolved one makes room; another organization's id is refused") { store in
            let a = OrganizationID.random()
            var first = Fixture.alert(organization: a, customer: "c1")
            try await store.saveAlert(first, appending: [])
            let second = Fixture.alert(organization: a, customer: "c1")
            do {
                try await store.saveAlert(second, appending: [])
                throw ConformanceFailure(description: "a second open alert of the same rule and series was stored")
            } catch let error as StoreError {
                guard case .conflict = error else { throw ConformanceFailure(description: "expected conflict, got \(error)") }
            }
            try await store.saveAlert(Fixture.alert(organization: a, customer: "c2"), appending: [])
            first.state = .resolved
            first.resolvedAt = first.startedAt.adding(seconds: 60)
            try await store.saveAlert(first, appending: [AlertHistoryEntry(at: first.resolvedAt!, event: .resolved, value: 0.1)])
            try await store.saveAlert(second, appending: [])
            try check(try await store.alert(id: second.id, organization: a)?.state == .pending, "new open alert after resolve")
            var stolen = second
            stolen.organization = .random()
            stolen.ruleID = "other"
            do {
                try await store.saveAlert(stolen, appending: [])
                throw ConformanceFailure(description: "an alert id of another organization was overwritten")
            } catch let error as StoreError {
                guard case .conflict = error else { throw ConformanceFailure(description: "expected conflict, got \(error)") }
            }
            try check(try await store.alert(id: second.id, organization: a)?.ruleID == "churn-high", "untouched")
        },
        Case(name: "a batch of changes is stored in order in one transaction: all of it, or nothing when one is refused") { store in
            let a = OrganizationID.random(), b = OrganizationID.random()
            var first = Fixture.alert(organization: a, customer: "c1")
            let opened = AlertChange(alert: first, history: [AlertHistoryEntry(at: first.startedAt, event: .pending, value: 0.9)])
            first.state = .firing
            first.firedAt = first.startedAt.adding(seconds: 30)
            let fired = AlertChange(alert: first, history: [AlertHistoryEntry(at: first.firedAt!, event: .firing, value: 0.95)])
            let second = AlertChange(alert: Fixture.alert(organization: a, customer: "c2"), history: [])
            try await store.saveAlerts([opened, fired, second], organization: a)
            try check(try await store.alert(id: first.id, organization: a)?.state == .firing, "the later change of one alert wins")
            let events = try await store.alertHistory(id: first.id, organization: a).map(\.event)
            try check(events == [.pending, .firing], "history in the order appended: \(events)")
            try check(try await store.openAlerts().filter { $0.organization == a }.count == 2, "both stored")

            let third = AlertChange(alert: Fixture.alert(organization: a, customer: "c3"), history: [])
            let duplicate = AlertChange(alert: Fixture.alert(organization: a, customer: "c1"), history: [])
            do {
                try await store.saveAlerts([third, duplicate], organization: a)
                throw ConformanceFailure(description: "a batch with a second open alert of one rule and series was stored")
            } catch let error as StoreError {
                guard case .conflict = error else { throw ConformanceFailure(description: "expected conflict, got \(error)") }
            }
            try check(try await store.alert(id: third.alert.id, organization: a) == nil, "nothing of a refused batch is stored")
            let foreign = AlertChange(alert: Fixture.alert(organization: b, customer: "c9"), history: [])
            do {
                try await store.saveAlerts([foreign], organization: a)
                throw ConformanceFailure(description: "another organization's change was stored under this one")
            } catch let error as StoreError {
                guard case .conflict = error else { throw ConformanceFailure(description: "expected conflict, got \(error)") }
            }
            try check(try await store.alerts(AlertQuery(), organization: b).isEmpty, "nothing stored for the other organization")
            try await store.saveAlerts([], organization: a)
        },
    ]
}

extension Fixture {
    static func alert(organization: OrganizationID, customer: String, metric: String = "churn_risk_score") -> Alert {
        Alert(id: UUID().uuidString.lowercased(), organization: organization, ruleID: "churn-high", metricName: metric,
              tags: ["customer_id": customer, "segment": "smb"], severity: .high, condition: .above, threshold: 0.8, state: .pending,
              value: 0.9, startedAt: base, updatedAt: base)
    }
}
