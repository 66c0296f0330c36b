public import ChurnGuardCore
public import ChurnGuardStorage
import GRDB

extension SQLiteStore {
    /// One write transaction: SQLite serialises writers, so the read, the decision and the
    /// update are atomic for every process on the file.
    public func paceNotifications(_ request: NotificationPacingRequest, now: Timestamp) async throws -> NotificationPacingDecision {
        try await write { db in
            let lastSent = try Int64.fetchOne(db, sql: """
                SELECT last_sent_at FROM notification_digest_marks WHERE organization_id = ? AND route_id = ? AND group_key = ?
                """, arguments: [request.organization.description, request.routeID, request.group])
            let bucket = try Row.fetchOne(db, sql: "SELECT tokens, refilled_at FROM notification_rate_buckets WHERE channel = ?",
                                          arguments: [request.channel.rawValue]).map {
                NotificationTokenBucket(tokens: $0[0], refilledAt: Timestamp(microseconds: $0[1]))
            }
            let outcome = NotificationPacing.decide(request, lastSent: lastSent.map(Timestamp.init(microseconds:)), bucket: bucket, now: now)
            if let bucket = outcome.bucket {
                try db.execute(sql: """
                    INSERT INTO notification_rate_buckets (channel, tokens, refilled_at) VALUES (?, ?, ?)
                    ON CONFLICT(channel) DO UPDATE SET tokens = excluded.tokens, refilled_at = excluded.refilled_at
                    """, arguments: [request.channel.rawValue, bucket.tokens, bucket.refilledAt.microseconds])
            }
            if outcome.marksSent {
                try db.execute(sql: """
                    INSERT INTO notification_digest_marks (organization_id, route_id, group_key, last_sent_at) VALUES (?, ?, ?, ?)
                    ON CONFLICT(organization_id, route_id, group_key) DO UPDATE SET last_sent_at = excluded.last_sent_at
                    """, arguments: [request.organization.description, request.routeID, request.group, now.microseconds])
            }
            return outcome.decision
        }
    }

    public func releaseNotificationPacing(_ request: NotificationPacingRequest, sentAt: Timestamp) async throws {
        try await write { db in
            try db.execute(sql: """
                DELETE FROM notification_digest_marks WHERE organization_id = ? AND route_id = ? AND group_key = ? AND last_sent_at = ?
                """, arguments: [request.organization.description, request.routeID, request.group, sentAt.microseconds])
        }
    }
}
