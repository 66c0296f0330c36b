public import ChurnGuardCore
public import ChurnGuardStorage
public import Logging
public import Metrics
public import Foundation

/// Evaluates every organization's threshold rules against the values it is fed, keeps one
/// ``AlertLifecycle`` per rule and series, and stores each transition in order.
///
/// Rules are the configuration's defaults (every organization's) overridden by each
/// organization's own rules of the same id (see ``AlertRule``). Stores happen outside the
/// evaluation, through one ordered queue: what is queued is stored per organization, each
/// organization's transitions in one transaction (``AlertStore/saveAlerts(_:organization:)``,
/// at most ``maxBatch`` at a time), so a tenant whose values churn around a threshold costs a
/// commit per flush, not one per transition. A store that is down delays them (they are
/// retried on the next tick, the queue bounded at ``maxQueued``, overflow counted), it never
/// stops evaluation or ingest; one organization's failing batch does not hold up another's. Every transition is handed to `publish` (the live stream) unless
/// the alert is snoozed.
public actor AlertEvaluator {
    struct Key: Hashable {
        var organization: OrganizationID
        var ruleID: String
        var seriesKey: String
    }

    /// Most transitions waiting to be stored; beyond it the oldest are dropped (counted).
    public static let maxQueued = 10_000
    /// Most transitions of one organization stored in one transaction.
    public static let maxBatch = 500

    let store: any AlertStore
    let defaults: [AlertRule]
    let publish: @Sendable (Alert) -> Void
    let stored: @Sendable ([AlertChange]) async -> Void
    let now: @Sendable () -> Timestamp
    let makeID: @Sendable () -> String
    let logger: Logger
    var ownRules: [OrganizationID: [AlertRule]] = [:]
    var byMetric: [OrganizationID: [String: [AlertRule]]] = [:]
    let defaultsByMetric: [String: [AlertRule]]
    var lifecycles: [Key: AlertLifecycle] = [:]
    var openByID: [String: Key] = [:]
    var queue: [AlertChange] = []
    var flushing = false
    let transitions: [AlertHistoryEntry.Event: Counter]
    let storeFailures: Counter
    let dropped: Counter

    /// Creates an evaluator with the configuration's `defaults`.
    /// `stored` is told of the transitions once they are stored (the notification outbox).
    public init(store: any AlertStore, defaults: [AlertRule], publish: @escaping @Sendable (Alert) -> Void = { _ in },
                stored: @escaping @Sendable ([AlertChange]) async -> Void = { _ in },
                now: @escaping @Sendable () -> Timestamp = { Timestamp(Date()) },
                makeID: @escaping @Sendable () -> String = { UUID().uuidString.lowercased() },
                logger: Logger, metricsFactory: any MetricsFactory = MetricsSystem.factory) {
        self.store = store
        self.defaults = defaults
        self.publish = publish
        self.stored = stored
        self.now = now
        self.makeID = makeID
        self.logger = logger
        defaultsByMetric = Dictionary(grouping: defaults.filter(\.enabled), by: \.metricName)
        transitions = Dictionary(uniqueKeysWithValues: AlertHistoryEntry.Event.allCases.map { event in
            (event, Counter(label: "churnguard_alert_events_total", dimensions: [("event", event.rawValue)], factory: metricsFactory))
        })
        storeFailures = Counter(label: "churnguard_alert_store_failures_total", factory: metricsFactory)
        dropped = Counter(label: "churnguard_alert_store_dropped_total", factory: metricsFactory)
    }

    /// Loads every organization's rules and every open alert (so a restart continues open
    /// alerts instead of opening duplicates).
    public func start() async throws {
        ownRules = try await store.allAlertRules()
        byMetric = [:]
        for alert in try await store.openAlerts() {
            let key = Key(organization: alert.organization, ruleID: alert.ruleID, seriesKey: alert.seriesKey)
            lifecycles[key] = AlertLifecycle(open: alert)
            openByID[alert.id] = key
        }
    }

    /// The rules in effect for `organization`: its own, and the defaults it did not override.
    public func rules(for organization: OrganizationID) -> [AlertRule] {
        let own = ownRules[organization] ?? []
        let overridden = Set(own.map(\.id))
        return (defaults.filter { !overridden.contains($0.id) } + own).sorted { $0.id < $1.id }
    }

    /// The organization's own rules (without the defaults).
    public func ownRules(for organization: OrganizationID) -> [AlertRule] { ownRules[organization] ?? [] }

    /// Open alerts held in memory (for tests and diagnostics).
    public var openCount: Int { openByID.count }

    /// Evaluates every point of a committed group against its organization's rules.
    public func evaluate(_ committed: CommittedPoints) async {
        let time = now()
        var changed = false
        for batch in committed.batches {
            let rules = metricRules(batch.organization)
            guard !rules.isEmpty else { continue }
            for point in batch.points {
                guard let watching = rules[point.metricName] else { continue }
                for rule in watching where rule.watches(metricName: point.metricName, tags: point.tags) {
                    changed = observe(point.value, organization: batch.organization, tags: point.tags, rule: rule, at: time,
                                      requestID: batch.requestID) || changed
                }
            }
        }
        if changed { await flush() }
    }

    /// Evaluates one series' newest value (the start-up pass over the rebuilt windows).
    public func evaluate(organization: OrganizationID, metricName: String, tags: [String: String], value: Double) async {
        let time = now()
        var changed = false
        for rule in metricRules(organization)[metricName] ?? [] where rule.watches(metricName: metricName, tags: tags) {
            changed = observe(value, organization: organization, tags: tags, rule: rule, at: time) || changed
        }
        if changed { await flush() }
    }

    /// Fires pending alerts whose `for` has passed and retries stores that failed.
    public func tick() async {
        let time = now()
        for (key, var lifecycle) in lifecycles {
            guard let rule = rules(for: key.organization).first(where: { $0.id == key.ruleID }) else { continue }
            let action = lifecycle.tick(at: time, rule: rule)
            lifecycles[key] = lifecycle
            perform(action, key: key)
        }
        await flush()
    }

    /// Records what the lifecycle said; `true` when something is to be stored.
    private func observe(_ value: Double, organization: OrganizationID, tags: [String: String], rule: AlertRule,
                         at time: Timestamp, requestID: String? = nil) -> Bool {
        let metricName = rule.metricName
        let key = Key(organization: organization, ruleID: rule.id, seriesKey: Alert.seriesKey(metricName: metricName, tags: tags))
        var lifecycle = lifecycles[key] ?? AlertLifecycle()
        let makeID = self.makeID
        let action = lifecycle.observe(value, at: time, rule: rule) { value, now in
            Alert(id: makeID(), organization: organization, ruleID: rule.id, metricName: metricName, tags: tags,
                  severity: rule.severity, condition: rule.condition, threshold: rule.threshold, state: .pending, value: value,
                  startedAt: now, updatedAt: now)
        }
        if lifecycle.open == nil { lifecycles[key] = nil } else { lifecycles[key] = lifecycle }
        return perform(action, key: key, requestID: requestID)
    }

    /// Stores, counts, logs and publishes a transition. `requestID` is the ingest request whose
    /// points caused it (`nil` for a timer's transition), so its log line joins that request's.
    @discardableResult
    private func perform(_ action: AlertLifecycle.Action, key: Key, requestID: String? = nil) -> Bool {
        guard case .save(let alert, let history) = action else { return false }
        for entry in history {
            var metadata: Logger.Metadata = [
                "organization_id": "\(alert.organization)", "alert_id": "\(alert.id)", "rule_id": "\(alert.ruleID)",
                "transition": "\(entry.event.rawValue)", "state": "\(alert.state.rawValue)", "severity": "\(alert.severity.rawValue)",
            ]
            if let requestID { metadata["request_id"] = .string(requestID) }
            logger.info("alert transition", metadata: metadata)
        }
        if alert.state.isOpen { openByID[alert.id] = key } else { openByID[alert.id] = nil; lifecycles[key] = nil }
        enqueue(alert, history)
        for entry in history { transitions[entry.event]?.increment() }
        if !alert.isSnoozed(at: now()) { publish(alert) }
        return true
    }

    func enqueue(_ alert: Alert, _ history: [AlertHistoryEntry]) {
        if queue.count >= Self.maxQueued {
            queue.removeFirst()
            dropped.increment()
        }
        queue.append(AlertChange(alert: alert, history: history))
    }

    /// Stores what is queued, each organization's transitions in order and in batches of one
    /// transaction; an organization whose batch fails keeps it (and what follows it) queued for
    /// the next tick while the others go on. What was stored is then handed to `stored` (the
    /// notification outbox) after the whole run, so notifying never delays the next store.
    func flush() async {
        guard !flushing else { return }
        flushing = true
        var saved: [AlertChange] = []
        var blocked: Set<OrganizationID> = []
        var held: [AlertChange] = []
        // Transitions queued while a batch is being stored are taken in the next round.
        while !queue.isEmpty {
            let taken = queue
            queue = []
            var order: [OrganizationID] = []
            var byOrganization: [OrganizationID: [AlertChange]] = [:]
            for change in taken {
                let organization = change.alert.organization
                if blocked.contains(organization) { held.append(change); continue }
                if byOrganization[organization] == nil { order.append(organization) }
                byOrganization[organization, default: []].append(change)
            }
            for organization in order {
                let changes = byOrganization[organization] ?? []
                var start = 0
                while start < changes.count {
                    let batch = Array(changes[start..<min(changes.count, start + Self.maxBatch)])
                    do {
                        try await store.saveAlerts(batch, organization: organization)
                        saved += batch
                        start += batch.count
                    } catch {
                        storeFailures.increment()
                        logger.warning("alert transitions not stored yet; retried on the next tick", metadata: [
                            "organization_id": "\(organization)", "transitions": "\(changes.count - start)", "error": "\(error)",
                        ])
                        blocked.insert(organization)
                        held += changes[start...]
                        break
                    }
                }
            }
        }
        queue = held + queue
        if queue.count > Self.maxQueued {
            dropped.increment(by: queue.count - Self.maxQueued)
            queue.removeFirst(queue.count - Self.maxQueued)
        }
        flushing = false
        if !saved.isEmpty { await stored(saved) }
    }

    func metricRules(_ organization: OrganizationID) -> [String: [AlertRule]] {
        guard ownRules[organization] != nil else { return defaultsByMetric }
        if let cached = byMetric[organization] { return cached }
        let grouped = Dictionary(grouping: rules(for: organization).filter(\.enabled), by: \.metricName)
        byMetric[organization] = grouped
        return grouped
    }
}
