import ChurnGuardCore
public import ChurnGuardStorage
import Foundation

extension StoreConformance {
    /// The notifications slice (``NotificationStore``): routes with their secrets, the
    /// once-per-key outbox, leases that exclude each other, outcomes, tenant scope, and the
    /// shared pacing (``notificationPacingCases``).
    public static let notificationCases: [Case<any NotificationStore>] = notificationPacingCases + [
        Case(name: "routes are unset, then replaced whole, read back with secrets and kept to their organization") { store in
            let a = OrganizationID.random(), b = OrganizationID.random()
            try check(try await store.notificationRoutes(organization: a) == nil, "never set: nil (defaults apply)")
            let hook = NotificationRoute(id: "ops-hook", channel: .webhook, events: [.alertFiring, .recommendationCreated],
                                         minimumSeverity: .high, minimumValue: 2_500.5, url: "https://hooks.example.com/churn", secret: "s3cret")
            let mail = NotificationRoute(id: "mail", channel: .email, emailTo: ["a@example.com", "b@example.com"], enabled: false)
            try await store.replaceNotificationRoutes([mail, hook], organization: a, at: Fixture.base)
            let read = try await store.notificationRoutes(organization: a)
            try check(read == [mail, hook], "read back by id: \(String(describing: read))")
            try check(try await store.notificationRoutes(organization: b) == nil, "another organization sees none")
            try await store.replaceNotificationRoutes([], organization: a, at: Fixture.base)
            try check(try await store.notificationRoutes(organization: a) == [], "an empty set is kept (notifications off)")
            var refused = false
            do {
                try await store.replaceNotificationRoutes([hook, hook], organization: b, at: Fixture.base)
            } catch StoreError.conflict {
                refused = true
            }
            try check(refused, "a duplicated route id is a conflict")
        },
        Case(name: "an event is queued once per route; listings are newest first, filtered and per organization") { store in
            let a = OrganizationID.random(), b = OrganizationID.random()
            let first = Fixture.outbox(organization: a, event: "alert:1:firing", route: "slack", minute: 0)
            let again = Fixture.outbox(organization: a, event: "alert:1:firing", route: "slack", minute: 1)
            let other = Fixture.outbox(organization: a, event: "alert:1:firing", route: "mail", minute: 2)
            try check(try await store.enqueueNotifications([first], organization: a) == 1, "queued")
            try check(try await store.enqueueNotifications([again, other], organization: a) == 1, "same event and route ignored")
            let sameKeyElsewhere = Fixture.outbox(organization: b, event: "alert:1:firing", route: "slack", minute: 3)
            try check(try await store.enqueueNotifications([sameKeyElsewhere], organization: b) == 1, "keys are per organization")
            let listed = try await store.notificationMessages(OutboxQuery(), organization: a)
            try check(listed.map(\.id) == [other.id, first.id], "newest first: \(listed.map(\.idempotencyKey))")
            try check(listed.last == first, "read back whole: \(String(describing: listed.last))")
            try check(try await store.notificationMessages(OutboxQuery(states: [.failed]), organization: a).isEmpty, "state filter")
            try check(try await store.notificationMessages(OutboxQuery(limit: 1), organization: a).count == 1, "limit")
            try check(try await store.notificationMessages(OutboxQuery(), organization: b).map(\.id) == [sameKeyElsewhere.id], "tenant scope")
        },
        Case(name: "a due message is leased by one owner until expiry; only the holder finishes it") { store in
            let a = OrganizationID.random()
            let now = Fixture.base.adding(seconds: 600)
            let due = Fixture.outbox(organization: a, event: "alert:2:firing", route: "slack", minute: 0)
            var later = Fixture.outbox(organization: a, event: "alert:3:firing", route: "slack", minute: 1)
            later.nextAttemptAt = now.adding(seconds: 60)
            try await store.enqueueNotifications([due, later], organization: a)
            let one = try await store.leaseNotifications(owner: "w1", now: now, until: now.adding(seconds: 30), limit: 10)
                .filter { $0.organization == a }
            try check(one.map(\.id) == [due.id] && one.first?.leaseOwner == "w1", "only the due one: \(one.map(\.id))")
            let two = try await store.leaseNotifications(owner: "w2", now: now.adding(seconds: 10), until: now.adding(seconds: 40), limit: 10)
                .filter { $0.organization == a }
            try check(two.isEmpty, "held by w1: \(two.map(\.id))")
            try check(try await store.finishNotification(id: due.id, owner: "w2", outcome: .delivered(at: now)) == false,
                      "w2 cannot finish w1's lease")
            let expired = try await store.leaseNotifications(owner: "w2", now: now.adding(seconds: 31), until: now.adding(seconds: 61), limit: 10)
                .filter { $0.organization == a }
            try check(expired.map(\.id) == [due.id], "leased again after expiry: \(expired.map(\.id))")
            try check(try await store.finishNotification(id: due.id, owner: "w1", outcome: .delivered(at: now)) == false,
                      "w1 lost it at expiry")
            try check(try await store.finishNotification(id: due.id, owner: "w2", outcome: .delivered(at: now.adding(seconds: 32))),
                      "w2 finishes")
            let delivered = try await store.notificationMessages(OutboxQuery(states: [.delivered]), organization: a)
            try check(delivered.map(\.id) == [due.id] && delivered.first?.attempts == 1 && delivered.first?.leaseOwner == nil
                      && delivered.first?.finishedAt == now.adding(seconds: 32), "delivered: \(delivered)")
            let none = try await store.leaseNotifications(owner: "w3", now: now.adding(seconds: 59), until: now.adding(seconds: 90), limit: 10)
                .filter { $0.organization == a }
            try check(none.isEmpty, "delivered is never leased; later not due yet")
        },
        Case(name: "retries keep the message pending with its error; a hold does not count; failure is final") { store in
            let a = OrganizationID.random()
            let now = Fixture.base.adding(seconds: 600)
            let message = Fixture.outbox(organization: a, event: "alert:4:firing", route: "hook", minute: 0)
            try await store.enqueueNotifications([message], organization: a)
            _ = try await store.leaseNotifications(owner: "w1", now: now, until: now.adding(seconds: 30), limit: 100)
            try check(try await store.finishNotification(id: message.id, owner: "w1", outcome: .retry(
                next: now.adding(seconds: 20), error: "HTTP 500", attempted: true, at: now)), "retry recorded")
            var stored = try await store.notificationMessages(OutboxQuery(), organization: a).first
            try check(stored?.state == .pending && stored?.attempts == 1 && stored?.lastError == "HTTP 500"
                      && stored?.nextAttemptAt == now.adding(seconds: 20) && stored?.leaseOwner == nil, "after retry: \(String(describing: stored))")
            let early = try await store.leaseNotifications(owner: "w1", now: now.adding(seconds: 19), until: now.adding(seconds: 49), limit: 100)
            try check(!early.contains { $0.id == message.id }, "not before its next attempt")
            _ = try await store.leaseNotifications(owner: "w1", now: now.adding(seconds: 20), until: now.adding(seconds: 50), limit: 100)
            try await store.finishNotification(id: message.id, owner: "w1", outcome: .retry(
                next: now.adding(seconds: 80), error: nil, attempted: false, at: now.adding(seconds: 20)))
            stored = try await store.notificationMessages(OutboxQuery(), organization: a).first
            try check(stored?.attempts == 1 && stored?.lastError == "HTTP 500", "a hold keeps count and error: \(String(describing: stored))")
            _ = try await store.leaseNotifications(owner: "w1", now: now.adding(seconds: 80), until: now.adding(seconds: 110), limit: 100)
            try await store.finishNotification(id: message.id, owner: "w1", outcome: .failed(error: "HTTP 404", at: now.adding(seconds: 81)))
            stored = try await store.notificationMessages(OutboxQuery(states: [.failed]), organization: a).first
            try check(stored?.attempts == 2 && stored?.lastError == "HTTP 404" && stored?.finishedAt == now.adding(seconds: 81),
                      "failed: \(String(describing: stored))")
            try check(try await store.finishNotification(id: message.id, owner: "w1", outcome: .delivered(at: now)) == false,
                      "a finished message cannot change")
        },
        Case(name: "finished messages expire after their time, pending ones never; an expired key can be queued again") { store in
            let a = OrganizationID.random()
            let now = Fixture.base.adding(seconds: 600)
            let done = Fixture.outbox(organization: a, event: "alert:x1:firing", route: "slack", minute: 0)
            let waiting = Fixture.outbox(organization: a, event: "alert:x2:firing", route: "slack", minute: 0)
            var later = Fixture.outbox(organization: a, event: "alert:x3:firing", route: "slack", minute: 0)
            later.nextAttemptAt = now.adding(seconds: 3600)
            try await store.enqueueNotifications([done, waiting, later], organization: a)
            _ = try await store.leaseNotifications(owner: "w", now: now, until: now.adding(seconds: 30), limit: 100)
            try await store.finishNotification(id: done.id, owner: "w", outcome: .delivered(at: now))
            try await store.finishNotification(id: waiting.id, owner: "w", outcome: .retry(next: now.adding(seconds: 5), error: "x",
                                                                                            attempted: true, at: now))
            try check(try await store.expireNotifications(finishedBefore: now, limit: 100) == 0, "finished at the cutoff is kept")
            try check(try await store.expireNotifications(finishedBefore: now.adding(seconds: 1), limit: 100) == 1, "the delivered one")
            let left = try await store.notificationMessages(OutboxQuery(), organization: a).map(\.id).sorted()
            try check(left == [waiting.id, later.id].sorted(), "pending messages stay: \(left)")
            var again = done
            again.id = UUID().uuidString.lowercased()
            try check(try await store.enqueueNotifications([again], organization: a) == 1, "its key is free again")
        },
        Case(name: "concurrent leases never hand the same message to two owners") { store in
            let a = OrganizationID.random()
            let now = Fixture.base.adding(seconds: 600)
            let messages = (0..<40).map { Fixture.outbox(organization: a, event: "alert:c\($0):firing", route: "slack", minute: 0) }
            try await store.enqueueNotifications(messages, organization: a)
            let leased = try await withThrowingTaskGroup(of: [String].self) { group in
                for worker in 0..<4 {
                    group.addTask {
                        var mine: [String] = []
                        for _ in 0..<10 {
                            mine += try await store.leaseNotifications(owner: "w\(worker)", now: now, until: now.adding(seconds: 30), limit: 3)
                                .filter { $0.organization == a }.map(\.id)
                        }
                        return mine
                    }
                }
                var all: [String] = []
                for try await ids in group { all += ids }
                return all
            }
            try check(leased.count == Set(leased).count, "a message leased twice: \(leased.count) leases of \(Set(leased).count)")
            try check(Set(leased) == Set(messages.map(\.id)), "every message leased once: \(Set(leased).count)")
        },
    ]
}

extension Fixture {
    static func outbox(organization: OrganizationID, event: String, route: String, minute: Int) -> OutboxMessage {
        let at = base.adding(seconds: Int64(minute * 60))
        let notification = NotificationEvent(
            id: event, kind: .alertFiring, organization: organization, severity: .high, title: "churn_risk_score above 0.8",
            summary: "Customer c1: 0.93 (threshold 0.8)", occurredAt: at, groupKey: "alert.firing/churn-high",
            link: "/alerts/1", facts: [.init("metric", "churn_risk_score"), .init("value", "0.93")])
        return OutboxMessage(id: UUID().uuidString.lowercased(), organization: organization, routeID: route, channel: .slack,
                             event: notification, nextAttemptAt: at, createdAt: at)
    }
}
