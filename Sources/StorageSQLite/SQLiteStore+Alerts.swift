public import ChurnGuardCore
public import ChurnGuardStorage
import GRDB

extension SQLiteStore: AlertStore {
    static let ruleColumns = "id, metric_name, condition, threshold, severity, for_seconds, hysteresis, tag_filter, enabled"
    static let alertColumns = """
        id, organization_id, rule_id, metric_name, tags, severity, condition, threshold, state, value, started_at, fired_at,
        resolved_at, acknowledged_at, acknowledge_comment, snoozed_until, updated_at
        """

    public func alertRules(organization: OrganizationID) async throws -> [AlertRule] {
        try await read { db in
            try Row.fetchAll(db, sql: "SELECT \(Self.ruleColumns) FROM alert_rules WHERE organization_id = ? ORDER BY id",
                             arguments: [organization.description]).compactMap(Self.rule(from:))
        }
    }

    public func allAlertRules() async throws -> [OrganizationID: [AlertRule]] {
        try await read { db in
            var rules: [OrganizationID: [AlertRule]] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT \(Self.ruleColumns), organization_id FROM alert_rules ORDER BY organization_id, id") {
                guard let organization = OrganizationID(row[9] as String), let rule = Self.rule(from: row) else { continue }
                rules[organization, default: []].append(rule)
            }
            return rules
        }
    }

    public func putAlertRule(_ rule: AlertRule, organization: OrganizationID, at time: Timestamp) async throws {
        try await write { db in try Self.insert(rule, organization: organization, at: time, db) }
    }

    public func replaceAlertRules(_ rules: [AlertRule], organization: OrganizationID, at time: Timestamp) async throws {
        try await write { db in
            try db.execute(sql: "DELETE FROM alert_rules WHERE organization_id = ?", arguments: [organization.description])
            for rule in rules { try Self.insert(rule, organization: organization, at: time, db) }
        }
    }

    public func deleteAlertRule(id: String, organization: OrganizationID) async throws -> Bool {
        try await write { db in
            try db.execute(sql: "DELETE FROM alert_rules WHERE organization_id = ? AND id = ?", arguments: [organization.description, id])
            return db.changesCount > 0
        }
    }

    public func saveAlert(_ alert: Alert, appending history: [AlertHistoryEntry]) async throws {
        try await write { db in try Self.save(alert, appending: history, in: db) }
    }

    public func saveAlerts(_ changes: [AlertChange], organization: OrganizationID) async throws {
        try await write { db in
            for change in changes {
                guard change.alert.organization == organization else {
                    throw StoreError.conflict("alert \(change.alert.id) is not of organization \(organization)")
                }
                try Self.save(change.alert, appending: change.history, in: db)
            }
        }
    }

    /// Upserts `alert` and appends `history` inside the caller's write transaction.
    private static func save(_ alert: Alert, appending history: [AlertHistoryEntry], in db: Database) throws {
        if let owner = try String.fetchOne(db, sql: "SELECT organization_id FROM alerts WHERE id = ?", arguments: [alert.id]),
           owner != alert.organization.description {
            throw StoreError.conflict("alert id \(alert.id) exists")
        }
        try db.execute(sql: """
            INSERT INTO alerts (id, organization_id, rule_id, series_key, metric_name, tags, customer_id, severity, condition,
                                threshold, state, value, started_at, fired_at, resolved_at, acknowledged_at, acknowledge_comment,
                                snoozed_until, updated_at)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            ON CONFLICT(id) DO UPDATE SET state = excluded.state, value = excluded.value, severity = excluded.severity,
                fired_at = excluded.fired_at, resolved_at = excluded.resolved_at, acknowledged_at = excluded.acknowledged_at,
                acknowledge_comment = excluded.acknowledge_comment, snoozed_until = excluded.snoozed_until,
                updated_at = excluded.updated_at
            """, arguments: [
                alert.id, alert.organization.description, alert.ruleID, alert.seriesKey, alert.metricName,
                JSONText.encodeObject(alert.tags), alert.customerID, alert.severity.rawValue, alert.condition.rawValue,
                alert.threshold, alert.state.rawValue, alert.value, alert.startedAt.microseconds, alert.firedAt?.microseconds,
                alert.resolvedAt?.microseconds, alert.acknowledgedAt?.microseconds, alert.acknowledgeComment,
                alert.snoozedUntil?.microseconds, alert.updatedAt.microseconds,
            ])
        for entry in history {
            try db.execute(sql: """
                INSERT INTO alert_history (alert_id, organization_id, at, event, value, comment, until) VALUES (?, ?, ?, ?, ?, ?, ?)
                """, arguments: [alert.id, alert.organization.description, entry.at.microseconds, entry.event.rawValue,
                                 entry.value, entry.comment, entry.until?.microseconds])
        }
    }

    public func alert(id: String, organization: OrganizationID) async throws -> Alert? {
        try await read { db in
            try Row.fetchOne(db, sql: "SELECT \(Self.alertColumns) FROM alerts WHERE id = ? AND organization_id = ?",
                             arguments: [id, organization.description]).flatMap(Self.alert(from:))
        }
    }

    public func alerts(_ query: AlertQuery, organization: OrganizationID) async throws -> [Alert] {
        var sql = "SELECT \(Self.alertColumns) FROM alerts WHERE organization_id = ?"
        var arguments: [(any DatabaseValueConvertible)?] = [organization.description]
        if !query.states.isEmpty {
            sql += " AND state IN (\(query.states.map { _ in "?" }.joined(separator: ", ")))"
            arguments += query.states.sorted { $0.rawValue < $1.rawValue }.map(\.rawValue)
        }
        if let metric = query.metricName { sql += " AND metric_name = ?"; arguments.append(metric) }
        if let customer = query.customerID { sql += " AND customer_id = ?"; arguments.append(customer) }
        sql += " ORDER BY updated_at DESC, id DESC LIMIT ?"
        arguments.append(max(0, query.limit))
        let statement = sql
        let bound = StatementArguments(arguments)
        return try await read { db in
            try Row.fetchAll(db, sql: statement, arguments: bound).compactMap(Self.alert(from:))
        }
    }

    public func openAlerts() async throws -> [Alert] {
        try await read { db in
            try Row.fetchAll(db, sql: "SELECT \(Self.alertColumns) FROM alerts WHERE state IN ('pending', 'firing') ORDER BY id")
                .compactMap(Self.alert(from:))
        }
    }

    public func alertHistory(id: String, organization: OrganizationID) async throws -> [AlertHistoryEntry] {
        try await read { db in
            try Row.fetchAll(db, sql: """
                SELECT at, event, value, comment, until FROM alert_history WHERE alert_id = ? AND organization_id = ? ORDER BY id
                """, arguments: [id, organization.description]).compactMap { row in
                    guard let event = AlertHistoryEntry.Event(rawValue: row[1]) else { return nil }
                    return AlertHistoryEntry(at: Timestamp(microseconds: row[0]), event: event, value: row[2], comment: row[3],
                                             until: (row[4] as Int64?).map(Timestamp.init(microseconds:)))
                }
        }
    }

    private static func insert(_ rule: AlertRule, organization: OrganizationID, at time: Timestamp, _ db: Database) throws {
        try db.execute(sql: """
            INSERT OR REPLACE INTO alert_rules (organization_id, id, metric_name, condition, threshold, severity, for_seconds,
                                                hysteresis, tag_filter, enabled, updated_at)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """, arguments: [organization.description, rule.id, rule.metricName, rule.condition.rawValue, rule.threshold,
                             rule.severity.rawValue, rule.forSeconds, rule.hysteresis, JSONText.encodeObject(rule.tagFilter),
                             rule.enabled, time.microseconds])
    }

    static func rule(from row: Row) -> AlertRule? {
        guard let condition = AlertCondition(rawValue: row[2]), let severity = AlertSeverity(rawValue: row[4]) else { return nil }
        return AlertRule(id: row[0], metricName: row[1], condition: condition, threshold: row[3], severity: severity,
                         forSeconds: row[5], hysteresis: row[6], tagFilter: JSONText.decodeStringObject(row[7]) ?? [:],
                         enabled: row[8])
    }

    static func alert(from row: Row) -> Alert? {
        guard let organization = OrganizationID(row[1] as String), let severity = AlertSeverity(rawValue: row[5]),
              let condition = AlertCondition(rawValue: row[6]), let state = AlertState(rawValue: row[8]) else { return nil }
        func time(_ index: Int) -> Timestamp? { (row[index] as Int64?).map(Timestamp.init(microseconds:)) }
        return Alert(id: row[0], organization: organization, ruleID: row[2], metricName: row[3],
                     tags: JSONText.decodeStringObject(row[4]) ?? [:], severity: severity, condition: condition, threshold: row[7],
                     state: state, value: row[9], startedAt: Timestamp(microseconds: row[10]), firedAt: time(11),
                     resolvedAt: time(12), acknowledgedAt: time(13), acknowledgeComment: row[14], snoozedUntil: time(15),
                     updatedAt: Timestamp(microseconds: row[16]))
    }
}
