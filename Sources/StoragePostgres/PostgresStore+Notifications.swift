public import ChurnGuardCore
public import ChurnGuardStorage
import Foundation
import PostgresNIO

extension PostgresStore: NotificationStore {
    static let outboxColumns = """
        id, organization_id, route_id, channel, event, state, attempts, next_attempt_at, created_at, finished_at, last_error, \
        lease_owner, lease_expires_at
        """

    public func notificationRoutes(organization: OrganizationID) async throws -> [NotificationRoute]? {
        try await transaction(.tenant(organization)) { connection, logger in
            var configured = false
            let marker = try await connection.query(
                "SELECT 1::INT8 FROM notification_route_sets WHERE organization_id = \(organization.uuid)", logger: logger)
            for try await _ in marker.decode(Int64.self) { configured = true }
            guard configured else { return nil }
            let rows = try await connection.query("""
                SELECT id, channel, events, minimum_severity, url, email_to, secret, enabled, minimum_value FROM notification_routes
                WHERE organization_id = \(organization.uuid) ORDER BY id
                """, logger: logger)
            var routes: [NotificationRoute] = []
            let columns = (String, String, String, String, String?, String, String?, Bool, Double?).self
            for try await (id, channel, events, severity, url, emailTo, secret, enabled, minimumValue) in rows.decode(columns) {
                guard let channel = NotificationChannel(rawValue: channel), let severity = AlertSeverity(rawValue: severity) else { continue }
                routes.append(NotificationRoute(id: id, channel: channel, events: NotificationRoute.events(fromText: events),
                                                minimumSeverity: severity, minimumValue: minimumValue, url: url,
                                                emailTo: emailTo.split(separator: ",").map(String.init), secret: secret, enabled: enabled))
            }
            return routes
        }
    }

    public func replaceNotificationRoutes(_ routes: [NotificationRoute], organization: OrganizationID, at time: Timestamp) async throws {
        var seen = Set<String>()
        for route in routes where !seen.insert(route.id).inserted {
            throw StoreError.conflict("route id \(route.id) appears twice")
        }
        try await transaction(.tenant(organization)) { connection, logger in
            try await connection.query("DELETE FROM notification_routes WHERE organization_id = \(organization.uuid)", logger: logger)
            try await connection.query("""
                INSERT INTO notification_route_sets (organization_id, updated_at) VALUES (\(organization.uuid), \(time.microseconds))
                ON CONFLICT (organization_id) DO UPDATE SET updated_at = excluded.updated_at
                """, logger: logger)
            for route in routes {
                try await connection.query("""
                    INSERT INTO notification_routes (organization_id, id, channel, events, minimum_severity, url, email_to, secret,
                                                     enabled, updated_at, minimum_value)
                    VALUES (\(organization.uuid), \(route.id), \(route.channel.rawValue), \(route.eventsText),
                            \(route.minimumSeverity.rawValue), \(route.url), \(route.emailTo.joined(separator: ",")), \(route.secret),
                            \(route.enabled), \(time.microseconds), \(route.minimumValue))
                    """, logger: logger)
            }
        }
    }

    @discardableResult
    public func enqueueNotifications(_ messages: [OutboxMessage], organization: OrganizationID) async throws -> Int {
        let mine = messages.filter { $0.organization == organization }
        guard !mine.isEmpty else { return 0 }
        return try await transaction(.tenant(organization)) { connection, logger in
            var added = 0
            for message in mine {
                let rows = try await connection.query("""
                    INSERT INTO notification_outbox (id, organization_id, idempotency_key, route_id, channel, event, state, attempts,
                                                     next_attempt_at, created_at, finished_at, last_error)
                    VALUES (\(message.id), \(organization.uuid), \(message.idempotencyKey), \(message.routeID),
                            \(message.channel.rawValue), \(message.event.jsonText()), \(message.state.rawValue), \(message.attempts),
                            \(message.nextAttemptAt.microseconds), \(message.createdAt.microseconds), \(message.finishedAt?.microseconds),
                            \(message.lastError))
                    ON CONFLICT DO NOTHING RETURNING id
                    """, logger: logger)
                for try await _ in rows.decode(String.self) { added += 1 }
            }
            return added
        }
    }

    /// Leases across organizations in the system scope; `SKIP LOCKED` lets concurrent workers
    /// take different rows instead of waiting on each other's.
    public func leaseNotifications(owner: String, now: Timestamp, until: Timestamp, limit: Int) async throws -> [OutboxMessage] {
        let limit = Int64(max(0, limit))
        return try await transaction(.system) { connection, logger in
            try await Self.outboxMessages(connection.query("""
                UPDATE notification_outbox SET lease_owner = \(owner), lease_expires_at = \(until.microseconds)
                WHERE id IN (
                    SELECT id FROM notification_outbox
                    WHERE state = 'pending' AND next_attempt_at <= \(now.microseconds)
                      AND (lease_expires_at IS NULL OR lease_expires_at <= \(now.microseconds))
                    ORDER BY next_attempt_at, created_at, id LIMIT \(limit)
                    FOR UPDATE SKIP LOCKED)
                RETURNING \(unescaped: Self.outboxColumns)
                """, logger: logger)).sorted { ($0.nextAttemptAt, $0.createdAt, $0.id) < ($1.nextAttemptAt, $1.createdAt, $1.id) }
        }
    }

    @discardableResult
    public func finishNotification(id: String, owner: String, outcome: OutboxOutcome) async throws -> Bool {
        try await transaction(.system) { connection, logger in
            guard var message = try await Self.outboxMessages(connection.query("""
                SELECT \(unescaped: Self.outboxColumns) FROM notification_outbox
                WHERE id = \(id) AND state = 'pending' AND lease_owner = \(owner) FOR UPDATE
                """, logger: logger)).first else { return false }
            message.apply(outcome)
            try await connection.query("""
                UPDATE notification_outbox SET state = \(message.state.rawValue), attempts = \(message.attempts),
                    next_attempt_at = \(message.nextAttemptAt.microseconds), finished_at = \(message.finishedAt?.microseconds),
                    last_error = \(message.lastError), lease_owner = NULL, lease_expires_at = NULL
                WHERE id = \(id)
                """, logger: logger)
            return true
        }
    }

    public func notificationMessages(_ query: OutboxQuery, organization: OrganizationID) async throws -> [OutboxMessage] {
        let states = query.states.map(\.rawValue).sorted()
        let limit = Int64(max(0, query.limit))
        return try await transaction(.tenant(organization)) { connection, logger in
            try await Self.outboxMessages(connection.query("""
                SELECT \(unescaped: Self.outboxColumns) FROM notification_outbox
                WHERE organization_id = \(organization.uuid)
                  AND (cardinality(\(states)::text[]) = 0 OR state = ANY(\(states)::text[]))
                ORDER BY created_at DESC, id DESC LIMIT \(limit)
                """, logger: logger))
        }
    }

    /// Deletes in the system scope (every organization's finished messages).
    @discardableResult
    public func expireNotifications(finishedBefore cutoff: Timestamp, limit: Int) async throws -> Int {
        let limit = Int64(max(0, limit))
        return try await transaction(.system) { connection, logger in
            let rows = try await connection.query("""
                DELETE FROM notification_outbox WHERE id IN (
                    SELECT id FROM notification_outbox WHERE state <> 'pending' AND finished_at < \(cutoff.microseconds)
                    ORDER BY finished_at LIMIT \(limit))
                RETURNING id
                """, logger: logger)
            var deleted = 0
            for try await _ in rows.decode(String.self) { deleted += 1 }
            try await connection.query("DELETE FROM notification_digest_marks WHERE last_sent_at < \(cutoff.microseconds)", logger: logger)
            return deleted
        }
    }

    private static func outboxMessages(_ rows: PostgresRowSequence) async throws -> [OutboxMessage] {
        var result: [OutboxMessage] = []
        for try await row in rows {
            let cells = row.makeRandomAccess()
            guard let channel = NotificationChannel(rawValue: try cells[3].decode(String.self)),
                  let event = NotificationEvent(jsonText: try cells[4].decode(String.self)),
                  let state = OutboxState(rawValue: try cells[5].decode(String.self)) else { continue }
            func time(_ index: Int) throws -> Timestamp? { try cells[index].decode(Int64?.self).map(Timestamp.init(microseconds:)) }
            result.append(OutboxMessage(
                id: try cells[0].decode(String.self), organization: OrganizationID(try cells[1].decode(UUID.self)),
                routeID: try cells[2].decode(String.self), channel: channel, event: event, state: state,
                attempts: Int(try cells[6].decode(Int32.self)), nextAttemptAt: Timestamp(microseconds: try cells[7].decode(Int64.self)),
                createdAt: Timestamp(microseconds: try cells[8].decode(Int64.self)), finishedAt: try time(9),
                lastError: try cells[10].decode(String?.self), leaseOwner: try cells[11].decode(String?.self),
                leaseExpiresAt: try time(12)))
        }
        return result
    }
}
