import ChurnGuardCore
import ChurnGuardEngine
import ChurnGuardNotifications
import ChurnGuardStorage
import Foundation
import Testing

/// Alert transitions reach the outbox once per transition, never once per point.
@Suite("Alert transitions to the outbox")
struct AlertNotificationTests {
    static func commit(_ sequence: UInt64, _ organization: OrganizationID, _ values: [Double], customer: String = "c-17") -> CommittedPoints {
        CommittedPoints(sequence: sequence, batches: [PointBatch(organization: organization, points: values.enumerated().map { index, value in
            MetricPoint(metricName: "churn_risk_score", timestamp: Timestamp(seconds: 1_764_600_000 + Int64(index) * 60), value: value,
                        tags: ["customer_id": customer, "segment": "smb"])
        })])
    }

    @Test("firing and resolving queue one message each per route; points in between queue nothing", arguments: NotifyBackend.available)
    func oncePerTransition(_ backend: NotifyBackend) async throws {
        try await backend.withStore { notifications in
            let alerts = InMemoryStore(), org = OrganizationID.random(), time = ManualTime()
            let routes = [NotificationRoute(id: "slack", channel: .slack, url: "https://hooks.example.com/x"),
                          NotificationRoute(id: "critical-only", channel: .slack, minimumSeverity: .critical, url: "https://hooks.example.com/y")]
            let outbox = Fixtures.outbox(notifications, time: time, defaults: routes)
            let rule = AlertRule(id: "churn-high", metricName: "churn_risk_score", condition: .above, threshold: 0.8, severity: .high)
            let evaluator = AlertEvaluator(store: alerts, defaults: [rule], stored: { changes in
                await outbox.notify(changes.flatMap { AlertNotification.events(for: $0.alert, history: $0.history, at: time.now) })
            }, now: { time.now }, logger: Fixtures.logger)
            try await evaluator.start()
            await evaluator.evaluate(Self.commit(1, org, [0.91, 0.95, 0.97]))
            await evaluator.evaluate(Self.commit(2, org, [0.99]))
            var queued = try await notifications.notificationMessages(OutboxQuery(), organization: org)
            #expect(queued.map(\.event.kind) == [.alertFiring], "one firing message, on the high route only: \(queued.map(\.idempotencyKey))")
            let firing = try #require(queued.first)
            #expect(firing.routeID == "slack" && firing.event.severity == .high)
            #expect(firing.event.title == "[HIGH] churn_risk_score firing for customer c-17")
            #expect(firing.event.facts.contains(.init("value", "0.91")) && firing.event.facts.contains(.init("threshold", "above 0.8")))
            time.advance(seconds: 60)
            await evaluator.evaluate(Self.commit(3, org, [0.2, 0.1]))
            queued = try await notifications.notificationMessages(OutboxQuery(), organization: org)
            #expect(queued.map(\.event.kind).sorted { $0.rawValue < $1.rawValue } == [.alertFiring, .alertResolved], "\(queued.map(\.idempotencyKey))")
            #expect(Set(queued.map(\.idempotencyKey)).count == 2)
        }
    }

    @Test("a breach that clears before firing, a snoozed alert and acknowledgements notify nothing")
    func quietTransitions() {
        let org = OrganizationID.random(), now = Timestamp(seconds: 1_764_600_000)
        var alert = Alert(id: "a1", organization: org, ruleID: "r", metricName: "m", tags: [:], severity: .high, condition: .above,
                          threshold: 1, state: .resolved, value: 0.5, startedAt: now, resolvedAt: now, updatedAt: now)
        #expect(AlertNotification.events(for: alert, history: [AlertHistoryEntry(at: now, event: .resolved)], at: now).isEmpty)
        alert.firedAt = now
        #expect(AlertNotification.events(for: alert, history: [AlertHistoryEntry(at: now, event: .resolved)], at: now).map(\.kind) == [.alertResolved])
        #expect(AlertNotification.events(for: alert, history: [AlertHistoryEntry(at: now, event: .acknowledged)], at: now).isEmpty)
        alert.snoozedUntil = now.adding(seconds: 60)
        #expect(AlertNotification.events(for: alert, history: [AlertHistoryEntry(at: now, event: .firing)], at: now).isEmpty)
    }

    @Test("events wait while the store is down and are queued once it is back")
    func storeDown() async throws {
        let store = InMemoryStore(), org = OrganizationID.random(), time = ManualTime()
        let outbox = Fixtures.outbox(store, time: time, defaults: [NotificationRoute(id: "slack", channel: .slack, url: "https://hooks.example.com/x")])
        await store.simulateFailure(.unavailable("down"))
        await outbox.notify(Fixtures.event(org, id: "alert:z1:firing", at: time.now))
        #expect(await outbox.waitingCount == 1)
        await store.simulateFailure(nil)
        await outbox.retryWaiting()
        #expect(await outbox.waitingCount == 0)
        #expect(try await store.notificationMessages(OutboxQuery(), organization: org).count == 1)
    }
}
