import ChurnGuardCore
import ChurnGuardEngine
import ChurnGuardStorage
import Foundation

/// The demo organization's own alert rules, chosen to fire on the dataset's planted incidents
/// (docs/DEMO_DATA.md), and their replay over the seeded history.
///
/// Seeded points bypass the live pipeline, so the seeder replays them through the same
/// ``AlertLifecycle`` the evaluator uses, in time order with each point's time as the clock,
/// and stores every transition: a newcomer finds the incidents' alerts with their real
/// history (pending, firing, resolved at the incident's end), and alerts still open at the
/// end of the data stay open for the running evaluator to continue.
enum DemoAlerts {
    /// The rules (ids `demo.*`).
    /// Thresholds and `for` durations were chosen by replaying the 45-day, 500-customer
    /// dataset (tests: DemoAlertsTests): the churn rule fires 28 times during
    /// `mid_market_churn_risk_surge` and 6 times outside it (customers near the threshold); the
    /// ticket rule about 90 times during `support_ticket_spike` and about once outside it. The smb
    /// activity drop has no threshold rule: weekend activity falls as low, so it is a case
    /// for the anomaly detector's relative change, not for a fixed threshold.
    static let rules: [AlertRule] = [
        AlertRule(id: "demo.mid-market-churn-surge", metricName: "churn_risk_score", condition: .above, threshold: 0.8,
                  severity: .high, forSeconds: 3600, hysteresis: 0.1, tagFilter: ["segment": "mid_market", "plan": "growth"]),
        AlertRule(id: "demo.support-ticket-spike", metricName: "support_tickets", condition: .above, threshold: 5,
                  severity: .critical, forSeconds: 3600, hysteresis: 2),
    ]

    /// Most transitions stored by one replay (a bound on the seeding's writes).
    static let maxTransitions = 50_000

    /// Puts the rules and replays `dataset` through them; returns the transitions stored.
    static func seed(_ dataset: DemoDataset, organization: OrganizationID, store: any AlertStore, now: Timestamp) async throws -> Int {
        for rule in rules { try await store.putAlertRule(rule, organization: organization, at: now) }
        var lifecycles: [String: AlertLifecycle] = [:]
        var saves: [(Alert, [AlertHistoryEntry])] = []
        var index: [String: Int] = [:]
        for day in 0..<dataset.days {
            for point in dataset.points(forDay: day) {
                for rule in rules where rule.watches(metricName: point.metricName, tags: point.tags) {
                    let key = rule.id + "|" + Alert.seriesKey(metricName: point.metricName, tags: point.tags)
                    var lifecycle = lifecycles[key] ?? AlertLifecycle()
                    let action = lifecycle.observe(point.value, at: point.timestamp, rule: rule) { value, time in
                        Alert(id: UUID().uuidString.lowercased(), organization: organization, ruleID: rule.id,
                              metricName: point.metricName, tags: point.tags, severity: rule.severity, condition: rule.condition,
                              threshold: rule.threshold, state: .pending, value: value, startedAt: time, updatedAt: time)
                    }
                    lifecycles[key] = lifecycle.open == nil ? nil : lifecycle
                    guard case .save(let alert, let history) = action else { continue }
                    // Keep one save per alert: its latest state and its whole history.
                    if let at = index[alert.id] {
                        saves[at].0 = alert
                        saves[at].1 += history
                    } else {
                        index[alert.id] = saves.count
                        saves.append((alert, history))
                    }
                }
            }
            if saves.count > maxTransitions { break }
        }
        // A pending alert cleared before firing is noise in a demo: keep what fired.
        let kept = saves.filter { $0.0.firedAt != nil }
        let changes = kept.prefix(maxTransitions).map { AlertChange(alert: $0.0, history: $0.1) }
        for (organization, own) in Dictionary(grouping: changes, by: \.alert.organization) {
            try await store.saveAlerts(own, organization: organization)
        }
        return kept.count
    }
}
