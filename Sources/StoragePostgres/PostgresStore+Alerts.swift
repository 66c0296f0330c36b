public import ChurnGuardCore
public import ChurnGuardStorage
import Foundation
import PostgresNIO

extension PostgresStore: AlertStore {
    public func alertRules(organization: OrganizationID) async throws -> [AlertRule] {
        try await transaction(.tenant(organization)) { connection, logger in
            try await Self.rules(connection.query("""
                SELECT id, metric_name, condition, threshold, severity, for_seconds, hysteresis, tag_filter, enabled, organization_id
                FROM alert_rules WHERE organization_id = \(organization.uuid) ORDER BY id
                """, logger: logger)).map(\.1)
        }
    }

    /// Every organization's rules, read in the system scope (the evaluator's start-up).
    public func allAlertRules() async throws -> [OrganizationID: [AlertRule]] {
        try await transaction(.system) { connection, logger in
            let rows = try await Self.rules(connection.query("""
                SELECT id, metric_name, condition, threshold, severity, for_seconds, hysteresis, tag_filter, enabled, organization_id
                FROM alert_rules ORDER BY organization_id, id
                """, logger: logger))
            return Dictionary(grouping: rows, by: \.0).mapValues { $0.map(\.1) }
        }
    }

    public func putAlertRule(_ rule: AlertRule, organization: OrganizationID, at time: Timestamp) async throws {
        try await transaction(.tenant(organization)) { connection, logger in
            try await Self.insert(rule, organization: organization, at: time, connection, logger)
        }
    }

    public func replaceAlertRules(_ rules: [AlertRule], organization: OrganizationID, at time: Timestamp) async throws {
        try await transaction(.tenant(organization)) { connection, logger in
            try await connection.query("DELETE FROM alert_rules WHERE organization_id = \(organization.uuid)", logger: logger)
            for rule in rules { try await Self.insert(rule, organization: organization, at: time, connection, logger) }
        }
    }

    public func deleteAlertRule(id: String, organization: OrganizationID) async throws -> Bool {
        try await transaction(.tenant(organization)) { connection, logger in
            let rows = try await connection.query(
                "DELETE FROM alert_rules WHERE organization_id = \(organization.uuid) AND id = \(id) RETURNING id", logger: logger)
            var deleted = false
            for try await _ in rows.decode(String.self) { deleted = true }
            return deleted
        }
    }

    public func saveAlert(_ alert: Alert, appending history: [AlertHistoryEntry]) async throws {
        try await saveAlerts([AlertChange(alert: alert, history: history)], organization: alert.organization)
    }

    public func saveAlerts(_ changes: [AlertChange], organization: OrganizationID) async throws {
        guard !changes.isEmpty else { return }
        if let stranger = changes.first(where: { $0.alert.organization != organization }) {
            throw StoreError.conflict("alert \(stranger.alert.id) is not of organization \(organization)")
        }
        do {
            try await transaction(.tenant(organization)) { connection, logger in
                for change in changes { try await Self.save(change.alert, appending: change.history, on: connection, logger: logger) }
            }
        } catch StoreError.unavailable(let message) where message.hasPrefix("PostgreSQL error 42501") {
            // Another organization's row with an id of these is invisible under row-level
            // security; updating it is refused by the policy: a conflict, as on the other backends.
            throw StoreError.conflict("an alert id of this batch exists (\(changes.map(\.alert.id).prefix(3).joined(separator: ", "))…)")
        }
    }

    /// Upserts `alert` and appends `history` inside the caller's transaction.
    private static func save(_ alert: Alert, appending history: [AlertHistoryEntry], on connection: PostgresConnection,
                             logger: Logger) async throws {
        let tags = JSONText.encodeObject(alert.tags)
        try await connection.query("""
            INSERT INTO alerts (id, organization_id, rule_id, series_key, metric_name, tags, customer_id, severity, condition,
                                threshold, state, value, started_at, fired_at, resolved_at, acknowledged_at, acknowledge_comment,
                                snoozed_until, updated_at)
            VALUES (\(alert.id), \(alert.organization.uuid), \(alert.ruleID), \(alert.seriesKey), \(alert.metricName), \(tags),
                    \(alert.customerID), \(alert.severity.rawValue), \(alert.condition.rawValue), \(alert.threshold),
                    \(alert.state.rawValue), \(alert.value), \(alert.startedAt.microseconds), \(alert.firedAt?.microseconds),
                    \(alert.resolvedAt?.microseconds), \(alert.acknowledgedAt?.microseconds), \(alert.acknowledgeComment),
                    \(alert.snoozedUntil?.microseconds), \(alert.updatedAt.microseconds))
            ON CONFLICT (id) DO UPDATE SET state = excluded.state, value = excluded.value, severity = excluded.severity,
                fired_at = excluded.fired_at, resolved_at = excluded.resolved_at, acknowledged_at = excluded.acknowledged_at,
                acknowledge_comment = excluded.acknowledge_comment, snoozed_until = excluded.snoozed_until,
                updated_at = excluded.updated_at
            """, logger: logger)
        for entry in history {
            try await connection.query("""
                INSERT INTO alert_history (alert_id, organization_id, at, event, value, comment, until)
                VALUES (\(alert.id), \(alert.organization.uuid), \(entry.at.microseconds), \(entry.event.rawValue), \(entry.value),
                        \(entry.comment), \(entry.until?.microseconds))
                """, logger: logger)
        }
    }

    public func alert(id: String, organization: OrganizationID) async throws -> Alert? {
        try await transaction(.tenant(organization)) { connection, logger in
            try await Self.alerts(connection.query("""
                SELECT \(unescaped: Self.alertColumns) FROM alerts WHERE id = \(id) AND organization_id = \(organization.uuid)
                """, logger: logger)).first
        }
    }

    public func alerts(_ query: AlertQuery, organization: OrganizationID) async throws -> [Alert] {
        let states = query.states.map(\.rawValue).sorted()
        let limit = Int64(max(0, query.limit))
        return try await transaction(.tenant(organization)) { connection, logger in
            try await Self.alerts(connection.query("""
                SELECT \(unescaped: Self.alertColumns) FROM alerts
                WHERE organization_id = \(organization.uuid)
                  AND (cardinality(\(states)::text[]) = 0 OR state = ANY(\(states)::text[]))
                  AND (\(query.metricName)::text IS NULL OR metric_name = \(query.metricName))
                  AND (\(query.customerID)::text IS NULL OR customer_id = \(query.customerID))
                ORDER BY updated_at DESC, id DESC LIMIT \(limit)
                """, logger: logger))
        }
    }

    /// Every open alert, read in the system scope (the evaluator's start-up).
    public func openAlerts() async throws -> [Alert] {
        try await transaction(.system) { connection, logger in
            try await Self.alerts(connection.query("""
                SELECT \(unescaped: Self.alertColumns) FROM alerts WHERE state IN ('pending', 'firing') ORDER BY id
                """, logger: logger))
        }
    }

    public func alertHistory(id: String, organization: OrganizationID) async throws -> [AlertHistoryEntry] {
        try await transaction(.tenant(organization)) { connection, logger in
            let rows = try await connection.query("""
                SELECT at, event, value, comment, until FROM alert_history
                WHERE alert_id = \(id) AND organization_id = \(organization.uuid) ORDER BY id
                """, logger: logger)
            var entries: [AlertHistoryEntry] = []
            for try await (at, event, value, comment, until) in rows.decode((Int64, String, Double?, String?, Int64?).self) {
                guard let event = AlertHistoryEntry.Event(rawValue: event) else { continue }
                entries.append(AlertHistoryEntry(at: Timestamp(microseconds: at), event: event, value: value, comment: comment,
                                                 until: until.map(Timestamp.init(microseconds:))))
            }
            return entries
        }
    }

    static let alertColumns = """
        id, organization_id, rule_id, metric_name, tags, severity, condition, threshold, state, value, started_at, fired_at, \
        resolved_at, acknowledged_at, acknowledge_comment, snoozed_until, updated_at
        """

    private static func insert(_ rule: AlertRule, organization: OrganizationID, at time: Timestamp,
                               _ connection: PostgresConnection, _ logger: Logger) async throws {
        let filter = JSONText.encodeObject(rule.tagFilter)
        try await connection.query("""
            INSERT INTO alert_rules (organization_id, id, metric_name, condition, threshold, severity, for_seconds, hysteresis,
                                     tag_filter, enabled, updated_at)
            VALUES (\(organization.uuid), \(rule.id), \(rule.metricName), \(rule.condition.rawValue), \(rule.threshold),
                    \(rule.severity.rawValue), \(rule.forSeconds), \(rule.hysteresis), \(filter), \(rule.enabled), \(time.microseconds))
            ON CONFLICT (organization_id, id) DO UPDATE SET metric_name = excluded.metric_name, condition = excluded.condition,
                threshold = excluded.threshold, severity = excluded.severity, for_seconds = excluded.for_seconds,
                hysteresis = excluded.hysteresis, tag_filter = excluded.tag_filter, enabled = excluded.enabled,
                updated_at = excluded.updated_at
            """, logger: logger)
    }

    private static func rules(_ rows: PostgresRowSequence) async throws -> [(OrganizationID, AlertRule)] {
        var result: [(OrganizationID, AlertRule)] = []
        let columns = (String, String, String, Double, String, Int64, Double?, String, Bool, UUID).self
        for try await (id, metric, condition, threshold, severity, forSeconds, hysteresis, filter, enabled, organization) in rows.decode(columns) {
            guard let condition = AlertCondition(rawValue: condition), let severity = AlertSeverity(rawValue: severity) else { continue }
            result.append((OrganizationID(organization), AlertRule(
                id: id, metricName: metric, condition: condition, threshold: threshold, severity: severity, forSeconds: forSeconds,
                hysteresis: hysteresis, tagFilter: JSONText.decodeStringObject(filter) ?? [:], enabled: enabled)))
        }
        return result
    }

    private static func alerts(_ rows: PostgresRowSequence) async throws -> [Alert] {
        var result: [Alert] = []
        for try await row in rows {
            let cells = row.makeRandomAccess()
            guard let severity = AlertSeverity(rawValue: try cells[5].decode(String.self)),
                  let condition = AlertCondition(rawValue: try cells[6].decode(String.self)),
                  let state = AlertState(rawValue: try cells[8].decode(String.self)) else { continue }
            func time(_ index: Int) throws -> Timestamp? { try cells[index].decode(Int64?.self).map(Timestamp.init(microseconds:)) }
            result.append(Alert(
                id: try cells[0].decode(String.self), organization: OrganizationID(try cells[1].decode(UUID.self)),
                ruleID: try cells[2].decode(String.self), metricName: try cells[3].decode(String.self),
                tags: JSONText.decodeStringObject(try cells[4].decode(String.self)) ?? [:], severity: severity, condition: condition,
                threshold: try cells[7].decode(Double.self), state: state, value: try cells[9].decode(Double.self),
                startedAt: Timestamp(microseconds: try cells[10].decode(Int64.self)), firedAt: try time(11), resolvedAt: try time(12),
                acknowledgedAt: try time(13), acknowledgeComment: try cells[14].decode(String?.self), snoozedUntil: try time(15),
                updatedAt: Timestamp(microseconds: try cells[16].decode(Int64.self))))
        }
        return result
    }
}
