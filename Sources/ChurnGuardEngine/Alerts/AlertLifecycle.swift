public import ChurnGuardCore

/// The lifecycle of one rule on one series — pending → firing → resolved — as a pure state
/// machine: it reads no clock and does no I/O; each step returns what to store.
///
/// - A breaching value opens a **pending** alert; it **fires** once the value has stayed
///   breached for the rule's `for` duration (at once when `for` is 0), checked on each new
///   value and on each tick.
/// - **Hysteresis**: an open alert closes only when the value is back past the threshold by
///   the rule's hysteresis (``AlertRule/isClear(_:)``); between the threshold and that
///   margin nothing changes, so a value wobbling around the threshold does not flap. A
///   pending alert that clears before firing is resolved without having fired.
/// - At most one open alert exists per lifecycle (rule and series); a resolved alert is
///   forgotten, and the next breach opens a new one.
public struct AlertLifecycle: Sendable {
    /// What the shell must do after a step.
    public enum Action: Sendable, Equatable {
        /// Nothing to store (at most the in-memory value changed).
        case none
        /// Store the alert's new state with these new history entries.
        case save(Alert, [AlertHistoryEntry])
    }

    /// The open alert, if any.
    public private(set) var open: Alert?

    /// A lifecycle with no open alert, or continuing `open` (an open alert read back from the
    /// store after a restart, so no duplicate is opened).
    public init(open: Alert? = nil) {
        self.open = open.flatMap { $0.state.isOpen ? $0 : nil }
    }

    /// Folds one observed value of the series in at time `now`.
    /// - Parameters:
    ///   - newAlert: makes the alert a breach opens (identifier, organization, series).
    public mutating func observe(_ value: Double, at now: Timestamp, rule: AlertRule,
                                 newAlert: (_ value: Double, _ now: Timestamp) -> Alert) -> Action {
        guard var alert = open else {
            guard rule.isBreached(by: value) else { return .none }
            var alert = newAlert(value, now)
            alert.state = .pending
            alert.startedAt = now
            alert.updatedAt = now
            alert.value = value
            var history = [AlertHistoryEntry(at: now, event: .pending, value: value)]
            if rule.forSeconds <= 0 {
                alert.state = .firing
                alert.firedAt = now
                history.append(AlertHistoryEntry(at: now, event: .firing, value: value))
            }
            open = alert
            return .save(alert, history)
        }
        alert.value = value
        if rule.isClear(value) {
            alert.state = .resolved
            alert.resolvedAt = now
            alert.updatedAt = now
            open = nil
            return .save(alert, [AlertHistoryEntry(at: now, event: .resolved, value: value)])
        }
        open = alert
        return promote(at: now, rule: rule)
    }

    /// Fires a pending alert whose value is still breached once `for` has passed (called
    /// periodically, so an alert fires even when no new value arrives).
    public mutating func tick(at now: Timestamp, rule: AlertRule) -> Action {
        promote(at: now, rule: rule)
    }

    /// Resolves the open alert because its rule was removed or disabled.
    public mutating func retire(at now: Timestamp) -> Action {
        guard var alert = open else { return .none }
        alert.state = .resolved
        alert.resolvedAt = now
        alert.updatedAt = now
        open = nil
        return .save(alert, [AlertHistoryEntry(at: now, event: .resolved, value: alert.value, comment: "rule removed or disabled")])
    }

    /// Applies an acknowledgement or snooze made through the API to the open alert's copy.
    public mutating func annotate(_ alert: Alert) {
        guard let current = open, current.id == alert.id else { return }
        open?.acknowledgedAt = alert.acknowledgedAt
        open?.acknowledgeComment = alert.acknowledgeComment
        open?.snoozedUntil = alert.snoozedUntil
    }

    private mutating func promote(at now: Timestamp, rule: AlertRule) -> Action {
        guard var alert = open, alert.state == .pending, rule.isBreached(by: alert.value),
              now >= alert.startedAt.adding(seconds: rule.forSeconds) else { return .none }
        alert.state = .firing
        alert.firedAt = now
        alert.updatedAt = now
        open = alert
        return .save(alert, [AlertHistoryEntry(at: now, event: .firing, value: alert.value)])
    }
}
