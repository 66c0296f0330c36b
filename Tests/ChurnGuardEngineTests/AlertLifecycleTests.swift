import ChurnGuardCore
import Testing
@testable import ChurnGuardEngine

/// The alert state machine on explicit times (a manual clock): no sleeps anywhere.
@Suite("Alert lifecycle")
struct AlertLifecycleTests {
    static let t0 = Timestamp(seconds: 1_764_000_000)
    static let organization = OrganizationID.random()
    static let rule = AlertRule(id: "churn-high", metricName: "churn_risk_score", condition: .above, threshold: 0.8, severity: .high,
                                forSeconds: 300, hysteresis: 0.05)

    static func at(_ seconds: Int64) -> Timestamp { t0.adding(seconds: seconds) }

    static func newAlert(_ value: Double, _ now: Timestamp) -> Alert {
        Alert(id: "a-\(now.microseconds)", organization: organization, ruleID: rule.id, metricName: rule.metricName,
              tags: ["customer_id": "c1"], severity: rule.severity, condition: rule.condition, threshold: rule.threshold,
              state: .pending, value: value, startedAt: now, updatedAt: now)
    }

    /// Observes and returns the saved alert's state and history events (`nil` for `.none`).
    static func step(_ lifecycle: inout AlertLifecycle, _ value: Double, _ seconds: Int64, rule: AlertRule = rule)
        -> (AlertState, [AlertHistoryEntry.Event])? {
        switch lifecycle.observe(value, at: at(seconds), rule: rule, newAlert: newAlert) {
        case .none: return nil
        case .save(let alert, let history): return (alert.state, history.map(\.event))
        }
    }

    @Test("a breach is pending, fires after `for` on a new value, and resolves once clear")
    func pendingFiringResolved() throws {
        var lifecycle = AlertLifecycle()
        #expect(Self.step(&lifecycle, 0.5, 0) == nil, "below the threshold: nothing")
        let pending = try #require(Self.step(&lifecycle, 0.85, 10))
        #expect(pending.0 == .pending && pending.1 == [.pending])
        #expect(lifecycle.open?.customerID == "c1", "grouped by the series' customer")
        #expect(Self.step(&lifecycle, 0.9, 200) == nil, "still within `for`")
        let firing = try #require(Self.step(&lifecycle, 0.9, 310))
        #expect(firing.0 == .firing && firing.1 == [.firing])
        #expect(lifecycle.open?.firedAt == Self.at(310))
        let resolved = try #require(Self.step(&lifecycle, 0.7, 400))
        #expect(resolved.0 == .resolved && resolved.1 == [.resolved])
        #expect(lifecycle.open == nil)
    }

    @Test("a pending alert fires on a tick once `for` has passed with no new value; not before, not once the value stopped breaching")
    func tickFires() {
        var lifecycle = AlertLifecycle()
        _ = Self.step(&lifecycle, 0.85, 0)
        #expect(lifecycle.tick(at: Self.at(299), rule: Self.rule) == .none)
        guard case .save(let alert, let history) = lifecycle.tick(at: Self.at(300), rule: Self.rule) else {
            Issue.record("did not fire")
            return
        }
        #expect(alert.state == .firing && history.map(\.event) == [.firing])
        #expect(lifecycle.tick(at: Self.at(900), rule: Self.rule) == .none, "fires once")

        var inBand = AlertLifecycle()
        _ = Self.step(&inBand, 0.85, 0)
        _ = Self.step(&inBand, 0.78, 100)   // below the threshold but within the hysteresis band
        #expect(inBand.open?.state == .pending, "the band does not cancel the pending alert")
        #expect(inBand.tick(at: Self.at(400), rule: Self.rule) == .none, "but a value that no longer breaches does not fire")
    }

    @Test("with `for` 0 the first breach fires at once (pending and firing in one save)")
    func immediate() throws {
        var rule = Self.rule
        rule.forSeconds = 0
        var lifecycle = AlertLifecycle()
        let saved = try #require(Self.step(&lifecycle, 0.81, 0, rule: rule))
        #expect(saved.0 == .firing && saved.1 == [.pending, .firing])
    }

    @Test("hysteresis: a value wobbling around the threshold neither resolves nor reopens the alert")
    func hysteresis() throws {
        var rule = Self.rule
        rule.forSeconds = 0
        var lifecycle = AlertLifecycle()
        _ = Self.step(&lifecycle, 0.85, 0, rule: rule)
        let id = lifecycle.open?.id
        for (index, value) in [0.79, 0.81, 0.76, 0.80, 0.799, 0.83, 0.751].enumerated() {
            #expect(Self.step(&lifecycle, value, Int64(index + 1), rule: rule) == nil, "value \(value) changes nothing")
        }
        #expect(lifecycle.open?.id == id && lifecycle.open?.state == .firing)
        #expect(Self.step(&lifecycle, 0.74, 20, rule: rule)?.0 == .resolved, "0.74 is past the 0.05 band")
        #expect(Self.step(&lifecycle, 0.79, 21, rule: rule) == nil, "below the threshold after resolving: nothing")
        let reopened = try #require(lifecycle.open == nil ? Self.step(&lifecycle, 0.9, 22, rule: rule) : nil)
        #expect(reopened.0 == .firing)
        #expect(lifecycle.open?.id != id, "a new breach is a new alert")
    }

    @Test("a `below` rule, and the default hysteresis of 5 % of the threshold")
    func belowRule() {
        let rule = AlertRule(id: "activity-low", metricName: "customer_activity", condition: .below, threshold: 50, severity: .medium)
        #expect(rule.effectiveHysteresis == 2.5)
        var lifecycle = AlertLifecycle()
        #expect(Self.step(&lifecycle, 49, 0, rule: rule)?.0 == .firing)
        #expect(Self.step(&lifecycle, 52, 1, rule: rule) == nil)
        #expect(Self.step(&lifecycle, 52.5, 2, rule: rule)?.0 == .resolved)
    }

    @Test("a pending alert that clears before `for` is resolved without firing")
    func pendingClears() throws {
        var lifecycle = AlertLifecycle()
        _ = Self.step(&lifecycle, 0.9, 0)
        let cleared = try #require(Self.step(&lifecycle, 0.5, 60))
        #expect(cleared.0 == .resolved)
        #expect(lifecycle.open == nil)
    }

    @Test("dedup and restart: a lifecycle continued from the stored open alert keeps it, and never opens a second")
    func restartContinues() throws {
        var before = AlertLifecycle()
        _ = Self.step(&before, 0.9, 0)
        let stored = try #require(before.open)
        var after = AlertLifecycle(open: stored)
        #expect(Self.step(&after, 0.95, 100) == nil, "still the same pending alert")
        let fired = try #require(Self.step(&after, 0.95, 300))
        #expect(fired.0 == .firing)
        #expect(after.open?.id == stored.id && after.open?.startedAt == Self.at(0), "`for` counted from the original start")
        #expect(AlertLifecycle(open: { var resolved = stored; resolved.state = .resolved; return resolved }()).open == nil)
    }

    @Test("ack and snooze annotate the open alert without changing its state; retiring a rule resolves it")
    func annotateAndRetire() throws {
        var lifecycle = AlertLifecycle()
        _ = Self.step(&lifecycle, 0.9, 0)
        var annotated = try #require(lifecycle.open)
        annotated.acknowledgedAt = Self.at(5)
        annotated.acknowledgeComment = "looking"
        annotated.snoozedUntil = Self.at(3600)
        lifecycle.annotate(annotated)
        #expect(lifecycle.open?.acknowledgeComment == "looking")
        #expect(lifecycle.open?.isSnoozed(at: Self.at(100)) == true)
        #expect(lifecycle.open?.isSnoozed(at: Self.at(3600)) == false)
        #expect(lifecycle.open?.state == .pending)
        guard case .save(let retired, let history) = lifecycle.retire(at: Self.at(10)) else {
            Issue.record("not retired")
            return
        }
        #expect(retired.state == .resolved && history.first?.comment == "rule removed or disabled")
        #expect(retired.acknowledgeComment == "looking")
    }
}
