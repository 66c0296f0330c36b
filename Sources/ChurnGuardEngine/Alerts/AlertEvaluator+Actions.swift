public import ChurnGuardCore
import ChurnGuardStorage

extension AlertEvaluator {
    /// Creates or replaces one of the organization's rules (stored first, then in effect).
    public func putRule(_ rule: AlertRule, organization: OrganizationID) async throws {
        try await store.putAlertRule(rule, organization: organization, at: now())
        var own = ownRules[organization] ?? []
        own.removeAll { $0.id == rule.id }
        own.append(rule)
        await rulesChanged(organization, own: own)
    }

    /// Replaces every rule of the organization.
    public func replaceRules(_ rules: [AlertRule], organization: OrganizationID) async throws {
        try await store.replaceAlertRules(rules, organization: organization, at: now())
        await rulesChanged(organization, own: rules)
    }

    /// Deletes one of the organization's rules; `false` when it has none with this id.
    public func deleteRule(id: String, organization: OrganizationID) async throws -> Bool {
        guard try await store.deleteAlertRule(id: id, organization: organization) else { return false }
        await rulesChanged(organization, own: (ownRules[organization] ?? []).filter { $0.id != id })
        return true
    }

    /// Acknowledges an alert with a comment; returns it, or `nil` when the organization has
    /// no alert with this id.
    /// - Throws: the store's error when the acknowledgement could not be stored.
    public func acknowledge(id: String, organization: OrganizationID, comment: String?) async throws -> Alert? {
        try await annotate(id: id, organization: organization) { alert, time in
            alert.acknowledgedAt = time
            alert.acknowledgeComment = comment
            return AlertHistoryEntry(at: time, event: .acknowledged, comment: comment)
        }
    }

    /// Holds back an alert's messages until `until`; returns it, or `nil` when unknown.
    public func snooze(id: String, organization: OrganizationID, until: Timestamp, comment: String?) async throws -> Alert? {
        try await annotate(id: id, organization: organization) { alert, time in
            alert.snoozedUntil = until
            return AlertHistoryEntry(at: time, event: .snoozed, comment: comment, until: until)
        }
    }

    private func annotate(id: String, organization: OrganizationID,
                          _ change: (inout Alert, Timestamp) -> AlertHistoryEntry) async throws -> Alert? {
        let time = now()
        var alert: Alert
        if let key = openByID[id], key.organization == organization, let open = lifecycles[key]?.open {
            alert = open
        } else if let stored = try await store.alert(id: id, organization: organization) {
            // Re-read the in-memory copy: it may have opened or changed during the read.
            if let key = openByID[id], let open = lifecycles[key]?.open { alert = open } else { alert = stored }
        } else {
            return nil
        }
        let entry = change(&alert, time)
        alert.updatedAt = time
        if let key = openByID[id] { lifecycles[key]?.annotate(alert) }
        enqueue(alert, [entry])
        // Another flush may be under way (it returns us the queue when done): wait for it.
        for _ in 0..<2000 where flushing { try await Task.sleep(for: .milliseconds(5)) }
        await flush()
        if queue.contains(where: { $0.alert.id == id }) {
            throw StoreError.unavailable("the alert store did not take the change; it is retried")
        }
        return alert
    }

    /// Puts the organization's new rules in effect and resolves open alerts of rules that no
    /// longer exist or were disabled.
    private func rulesChanged(_ organization: OrganizationID, own: [AlertRule]) async {
        ownRules[organization] = own
        byMetric[organization] = nil
        let active = Set(rules(for: organization).filter(\.enabled).map(\.id))
        for (key, var lifecycle) in lifecycles where key.organization == organization && !active.contains(key.ruleID) {
            let action = lifecycle.retire(at: now())
            lifecycles[key] = nil
            if case .save(let alert, let history) = action {
                openByID[alert.id] = nil
                enqueue(alert, history)
                publish(alert)
            }
        }
        await flush()
    }
}
