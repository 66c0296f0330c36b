import ChurnGuardCore
public import ChurnGuardStorage
import Foundation

extension StoreConformance {
    /// Shared pacing (``NotificationStore/paceNotifications(_:now:)``): one digest window per
    /// group, one token bucket per channel kind across organizations, atomic under concurrent
    /// callers, released after a failed send, forgotten by expiry.
    static let notificationPacingCases: [Case<any NotificationStore>] = [
        Case(name: "pacing: a sent group waits out its digest window; other groups and a released send do not") { store in
            let a = OrganizationID.random()
            func request(_ group: String, _ organization: OrganizationID = a) -> NotificationPacingRequest {
                NotificationPacingRequest(organization: organization, routeID: "ops", group: group, channel: .webhook,
                                          digestWindowSeconds: 60, ratePerMinute: 1_000)
            }
            let t0 = Fixture.base
            try check(try await store.paceNotifications(request("g1"), now: t0) == .send, "first send")
            let held = try await store.paceNotifications(request("g1"), now: t0.adding(seconds: 10))
            try check(held == .holdForDigest(until: t0.adding(seconds: 60)), "inside the window: \(held)")
            try check(try await store.paceNotifications(request("g2"), now: t0.adding(seconds: 10)) == .send, "another group goes")
            try check(try await store.paceNotifications(request("g1", .random()), now: t0.adding(seconds: 10)) == .send,
                      "the same group of another organization goes")
            try check(try await store.paceNotifications(request("g1"), now: t0.adding(seconds: 60)) == .send, "window over")
            try await store.releaseNotificationPacing(request("g1"), sentAt: t0.adding(seconds: 60))
            try check(try await store.paceNotifications(request("g1"), now: t0.adding(seconds: 65)) == .send, "released: the retry goes")
            try await store.releaseNotificationPacing(request("g1"), sentAt: t0.adding(seconds: 60))
            let stillHeld = try await store.paceNotifications(request("g1"), now: t0.adding(seconds: 70))
            try check(stillHeld == .holdForDigest(until: t0.adding(seconds: 125)), "an older release leaves a newer window: \(stillHeld)")
        },
        Case(name: "pacing: a channel kind's rate is shared by every organization; another channel kind has its own") { store in
            func request(_ organization: OrganizationID, _ group: String, _ channel: NotificationChannel = .slack) -> NotificationPacingRequest {
                NotificationPacingRequest(organization: organization, routeID: "r", group: group, channel: channel,
                                          digestWindowSeconds: 60, ratePerMinute: 2)
            }
            let a = OrganizationID.random(), b = OrganizationID.random(), t0 = Fixture.base
            try check(try await store.paceNotifications(request(a, "g1"), now: t0) == .send, "token 1")
            try check(try await store.paceNotifications(request(b, "g2"), now: t0) == .send, "token 2, another organization")
            let over = try await store.paceNotifications(request(a, "g3"), now: t0)
            try check(over == .holdForRate(until: t0.adding(seconds: 30)), "one token per 30 s at 2 a minute: \(over)")
            try check(try await store.paceNotifications(request(a, "m1", .email), now: t0) == .send, "email has its own bucket")
            let early = try await store.paceNotifications(request(b, "g4"), now: t0.adding(seconds: 20))
            try check(early == .holdForRate(until: t0.adding(seconds: 30)), "still 10 s to wait: \(early)")
            try check(try await store.paceNotifications(request(a, "g3"), now: t0.adding(seconds: 30)) == .send, "refilled")
        },
        Case(name: "pacing: concurrent callers start one digest window and never overdraw the rate") { store in
            let a = OrganizationID.random(), t0 = Fixture.base
            let sameGroup = NotificationPacingRequest(organization: a, routeID: "r", group: "g", channel: .webhook,
                                                      digestWindowSeconds: 60, ratePerMinute: 1_000)
            let sends = try await withThrowingTaskGroup(of: NotificationPacingDecision.self) { group in
                for _ in 0..<16 { group.addTask { try await store.paceNotifications(sameGroup, now: t0) } }
                return try await group.reduce(into: 0) { count, decision in if decision == .send { count += 1 } }
            }
            try check(sends == 1, "one of 16 concurrent callers sends the group: \(sends)")
            let rateSends = try await withThrowingTaskGroup(of: NotificationPacingDecision.self) { group in
                for index in 0..<16 {
                    let request = NotificationPacingRequest(organization: a, routeID: "r", group: "g\(index)", channel: .email,
                                                            digestWindowSeconds: 60, ratePerMinute: 5)
                    group.addTask { try await store.paceNotifications(request, now: t0) }
                }
                return try await group.reduce(into: 0) { count, decision in if decision == .send { count += 1 } }
            }
            try check(rateSends == 5, "5 of 16 concurrent groups within a rate of 5 a minute: \(rateSends)")
        },
        Case(name: "pacing: expiry forgets digest windows that ended before the cutoff") { store in
            let a = OrganizationID.random(), t0 = Fixture.base
            let request = NotificationPacingRequest(organization: a, routeID: "r", group: "g", channel: .webhook,
                                                    digestWindowSeconds: 3_600, ratePerMinute: 1_000)
            try check(try await store.paceNotifications(request, now: t0) == .send, "sent")
            _ = try await store.expireNotifications(finishedBefore: t0, limit: 10)
            try check(try await store.paceNotifications(request, now: t0.adding(seconds: 1)) != .send, "a mark at the cutoff stays")
            _ = try await store.expireNotifications(finishedBefore: t0.adding(seconds: 1), limit: 10)
            try check(try await store.paceNotifications(request, now: t0.adding(seconds: 2)) == .send, "expired: the window is gone")
        },
    ]
}
