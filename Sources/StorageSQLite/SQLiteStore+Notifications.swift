public import ChurnGuardCore
public import ChurnGuardStorage
import GRDB

extension SQLiteStore: NotificationStore {
    static let outboxColumns = """
        id, organization_id, route_id, channel, event, state, attempts, next_attempt_at, created_at, finished_at, last_error,
        lease_owner, lease_expires_at
        """

    public func notificationRoutes(organization: OrganizationID) async throws -> [NotificationRoute]? {
        try await read { db in
            guard try Bool.fetchOne(db, sql: "SELECT 1 FROM notification_route_sets WHERE organization_id = ?",
                                    arguments: [organization.description]) != nil else { return nil }
            return try Row.fetchAll(db, sql: """
                SELECT id, channel, events, minimum_severity, url, email_to, secret, enabled, minimum_value FROM notification_routes
                WHERE organization_id = ? ORDER BY id
                """, arguments: [organization.description]).compactMap { row in
                guard let channel = NotificationChannel(rawValue: row[1]), let severity = AlertSeverity(rawValue: row[3]) else { return nil }
                let emailTo: String = row[5]
                return NotificationRoute(id: row[0], channel: channel, events: NotificationRoute.events(fromText: row[2]),
                                         minimumSeverity: severity, minimumValue: row[8], url: row[4],
                                         emailTo: emailTo.split(separator: ",").map(String.init), secret: row[6], enabled: row[7])
            }
        }
    }

    public func replaceNotificationRoutes(_ routes: [NotificationRoute], organization: OrganizationID, at time: Timestamp) async throws {
        try await write { db in
            try db.execute(sql: "DELETE FROM notification_routes WHERE organization_id = ?", arguments: [organization.description])
            try db.execute(sql: """
                INSERT INTO notification_route_sets (organization_id, updated_at) VALUES (?, ?)
                ON CONFLICT(organization_id) DO UPDATE SET updated_at = excluded.updated_at
                """, arguments: [organization.description, time.microseconds])
            for route in routes {
                do {
                    try db.execute(sql: """
                        INSERT INTO notification_routes (organization_id, id, channel, events, minimum_severity, url, email_to, secret,
                                                         enabled, updated_at, minimum_value)
                        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                        """, arguments: [organization.description, route.id, route.channel.rawValue, route.eventsText,
                                         route.minimumSeverity.rawValue, route.url, route.emailTo.joined(separator: ","), route.secret,
                                         route.enabled, time.microseconds, route.minimumValue])
                } catch let error as DatabaseError where error.resultCode == .SQLITE_CONSTRAINT {
                    throw StoreError.conflict("route id \(route.id) appears twice")
                }
            }
        }
    }

    @discardableResult
    public func enqueueNotifications(_ messages: [OutboxMessage], organization: OrganizationID) async throws -> Int {
        try await write { db in
            var added = 0
            for message in messages where message.organization == organization {
                try db.execute(sql: """
                    INSERT INTO notification_outbox (id, organization_id, idempotency_key, route_id, channel, event, state, attempts,
                                                     next_attempt_at, created_at, finished_at, last_error, lease_owner, lease_expires_at)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, NULL, NULL)
                    ON CONFLICT DO NOTHING
                    """, arguments: [message.id, organization.description, message.idempotencyKey, message.routeID,
                                     message.channel.rawValue, message.event.jsonText(), message.state.rawValue, message.attempts,
                                     message.nextAttemptAt.microseconds, message.createdAt.microseconds,
                                     message.finishedAt?.microseconds, message.lastError])
                added += db.changesCount
            }
            return added
        }
    }

    public func leaseNotifications(owner: String, now: Timestamp, until: Timestamp, limit: Int) async throws -> [OutboxMessage] {
        // One write transaction: SQLite serialises writers, so no two callers lease the same row.
        try await write { db in
            let rows = try Row.fetchAll(db, sql: """
                SELECT \(Self.outboxColumns) FROM notification_outbox
                WHERE state = 'pending' AND next_attempt_at <= ? AND (lease_expires_at IS NULL OR lease_expires_at <= ?)
                ORDER BY next_attempt_at, created_at, id LIMIT ?
                """, arguments: [now.microseconds, now.microseconds, max(0, limit)])
            var leased: [OutboxMessage] = []
            for row in rows {
                guard var message = Self.outboxMessage(from: row) else { continue }
                try db.execute(sql: "UPDATE notification_outbox SET lease_owner = ?, lease_expires_at = ? WHERE id = ?",
                               arguments: [owner, until.microseconds, message.id])
                message.leaseOwner = owner
                message.leaseExpiresAt = until
                leased.append(message)
            }
            return leased
        }
    }

    @discardableResult
    public func finishNotification(id: String, owner: String, outcome: OutboxOutcome) async throws -> Bool {
        try await write { db in
            guard let row = try Row.fetchOne(db, sql: """
                SELECT \(Self.outboxColumns) FROM notification_outbox WHERE id = ? AND state = 'pending' AND lease_owner = ?
                """, arguments: [id, owner]), var message = Self.outboxMessage(from: row) else { return false }
            message.apply(outcome)
            try db.execute(sql: """
                UPDATE notification_outbox SET state = ?, attempts = ?, next_attempt_at = ?, finished_at = ?, last_error = ?,
                    lease_owner = NULL, lease_expires_at = NULL
                WHERE id = ?
                """, arguments: [message.state.rawValue, message.attempts, message.nextAttemptAt.microseconds,
                                 message.finishedAt?.microseconds, message.lastError, id])
            return true
        }
    }

    public func notificationMessages(_ query: OutboxQuery, organization: OrganizationID) async throws -> [OutboxMessage] {
        try await read { db in
            var sql = "SELECT \(Self.outboxColumns) FROM notification_outbox WHERE organization_id = ?"
            var arguments: StatementArguments = [organization.description]
            if !query.states.isEmpty {
                let states = query.states.map(\.rawValue).sorted()
                sql += " AND state IN (\(states.map { _ in "?" }.joined(separator: ", ")))"
                for state in states { arguments += [state] }
            }
            sql += " ORDER BY created_at DESC, id DESC LIMIT ?"
            arguments += [max(0, query.limit)]
            return try Row.fetchAll(db, sql: sql, arguments: arguments).compactMap(Self.outboxMessage(from:))
        }
    }

    @discardableResult
    public func expireNotifications(finishedBefore cutoff: Timestamp, limit: Int) async throws -> Int {
        try await write { db in
            try db.execute(sql: """
                DELETE FROM notification_outbox WHERE id IN (
                    SELECT id FROM notification_outbox WHERE state <> 'pending' AND finished_at < ? ORDER BY finished_at LIMIT ?)
                """, arguments: [cutoff.microseconds, max(0, limit)])
            let deleted = db.changesCount
            try db.execute(sql: "DELETE FROM notification_digest_marks WHERE last_sent_at < ?", arguments: [cutoff.microseconds])
            return deleted
        }
    }

    static func outboxMessage(from row: Row) -> OutboxMessage? {
        guard let organization = OrganizationID(row[1] as String), let channel = NotificationChannel(rawValue: row[3]),
              let event = NotificationEvent(jsonText: row[4]), let state = OutboxState(rawValue: row[5]) else { return nil }
        return OutboxMessage(id: row[0], organization: organization, routeID: row[2], channel: channel, event: event, state: state,
                             attempts: row[6], nextAttemptAt: Timestamp(microseconds: row[7]), createdAt: Timestamp(microseconds: row[8]),
                             finishedAt: (row[9] as Int64?).map(Timestamp.init(microseconds:)), lastError: row[10],
                             leaseOwner: row[11], leaseExpiresAt: (row[12] as Int64?).map(Timestamp.init(microseconds:)))
    }
}
