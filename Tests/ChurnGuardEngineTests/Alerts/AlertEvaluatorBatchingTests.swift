import ChurnGuardCore
import ChurnGuardEngine
import ChurnGuardStorage
import Foundation
import Logging
import Synchronization
import Testing

/// The evaluator stores a burst of transitions as one transaction per organization, and one
/// organization's failing store does not hold up another's.
@Suite("Alert evaluator batching")
struct AlertEvaluatorBatchingTests {
    /// An alert store over memory that counts batch saves per organization and can refuse one
    /// organization's writes.
    final class RecordingAlertStore: AlertStore {
        let base = InMemoryStore()
        let batches = Mutex<[OrganizationID: [Int]]>([:])
        let refused = Mutex<Set<OrganizationID>>([])

        func alertRules(organization: OrganizationID) async throws -> [AlertRule] { try await base.alertRules(organization: organization) }
        func allAlertRules() async throws -> [OrganizationID: [AlertRule]] { try await base.allAlertRules() }
        func putAlertRule(_ rule: AlertRule, organization: OrganizationID, at time: Timestamp) async throws {
            try await base.putAlertRule(rule, organization: organization, at: time)
        }
        func replaceAlertRules(_ rules: [AlertRule], organization: OrganizationID, at time: Timestamp) async throws {
            try await base.replaceAlertRules(rules, organization: organization, at: time)
        }
        func deleteAlertRule(id: String, organization: OrganizationID) async throws -> Bool {
            try await base.deleteAlertRule(id: id, organization: organization)
        }
        func saveAlert(_ alert: Alert, appending history: [AlertHistoryEntry]) async throws {
            try await saveAlerts([AlertChange(alert: alert, history: history)], organization: alert.organization)
        }
        func saveAlerts(_ changes: [AlertChange], organization: OrganizationID) async throws {
            if refused.withLock({ $0.contains(organization) }) { throw StoreError.unavailable("refused for the test") }
            try await base.saveAlerts(changes, organization: organization)
            batches.withLock { $0[organization, default: []].append(changes.count) }
        }
        func alert(id: String, organization: OrganizationID) async throws -> Alert? { try await base.alert(id: id, organization: organization) }
        func alerts(_ query: AlertQuery, organization: OrganizationID) async throws -> [Alert] { try await base.alerts(query, organization: organization) }
        func openAlerts() async throws -> [Alert] { try await base.openAlerts() }
        func alertHistory(id: String, organization: OrganizationID) async throws -> [AlertHistoryEntry] {
            try await base.alertHistory(id: id, organization: organization)
        }
    }

    static let rule = AlertRule(id: "churn-high", metricName: "churn_risk_score", condition: .above, threshold: 0.8, severity: .high)

    /// One commit of `customers` customers of each organization, every value `value`.
    static func commit(_ sequence: UInt64, _ organizations: [OrganizationID], customers: Int, value: Double) -> CommittedPoints {
        CommittedPoints(sequence: sequence, batches: organizations.map { organization in
            PointBatch(organization: organization, points: (0..<customers).map { index in
                MetricPoint(metricName: "churn_risk_score", timestamp: Timestamp(seconds: 1_764_600_000 + Int64(sequence) * 60), value: value,
                            tags: ["customer_id": "c\(index)"])
            })
        })
    }

    @Test("a commit opening 1,200 alerts of two organizations is stored in batches of at most 500, one organization at a time, and told once")
    func batches() async throws {
        let store = RecordingAlertStore()
        let told = Mutex<[Int]>([])
        let (a, b) = (OrganizationID.random(), OrganizationID.random())
        let evaluator = AlertEvaluator(store: store, defaults: [Self.rule], stored: { changes in told.withLock { $0.append(changes.count) } },
                                       logger: Logger(label: "test"))
        try await evaluator.start()
        await evaluator.evaluate(Self.commit(1, [a, b], customers: 600, value: 0.95))
        #expect(store.batches.withLock { $0[a] } == [500, 100] && store.batches.withLock { $0[b] } == [500, 100])
        #expect(told.withLock { $0 } == [1_200], "the outbox hears of all of them at once")
        #expect(try await store.openAlerts().count == 1_200)
        await evaluator.evaluate(Self.commit(2, [a], customers: 600, value: 0.1))
        #expect(store.batches.withLock { $0[a] } == [500, 100, 500, 100], "600 resolutions, two transactions")
        #expect(try await store.openAlerts().count == 600)
    }

    @Test("an organization whose store writes fail keeps its transitions queued in order while another's are stored; none lost or repeated")
    func isolation() async throws {
        let store = RecordingAlertStore()
        let (a, b) = (OrganizationID.random(), OrganizationID.random())
        let evaluator = AlertEvaluator(store: store, defaults: [Self.rule], logger: Logger(label: "test"))
        try await evaluator.start()
        store.refused.withLock { _ = $0.insert(a) }
        await evaluator.evaluate(Self.commit(1, [a, b], customers: 3, value: 0.95))
        await evaluator.evaluate(Self.commit(2, [a, b], customers: 3, value: 0.1))
        #expect(try await store.alerts(AlertQuery(), organization: b).allSatisfy { $0.state == .resolved })
        #expect(try await store.alerts(AlertQuery(), organization: b).count == 3)
        #expect(try await store.alerts(AlertQuery(), organization: a).isEmpty, "nothing of a's stored while refused")
        store.refused.withLock { _ = $0.remove(a) }
        await evaluator.tick()
        let stored = try await store.alerts(AlertQuery(), organization: a)
        #expect(stored.count == 3 && stored.allSatisfy { $0.state == .resolved }, "the queued firing then resolution, in order")
        for alert in stored {
            let events = try await store.alertHistory(id: alert.id, organization: a).map(\.event)
            #expect(events == [.pending, .firing, .resolved], "each transition once: \(events)")
        }
    }
}
