public import ChurnGuardCore
public import ChurnGuardStorage
import PostgresNIO

extension PostgresStore {
    /// One system-scope transaction that locks the channel's bucket row first (`FOR UPDATE`):
    /// decisions for one channel kind are taken one at a time across every replica, the
    /// group's digest mark included (a route has one channel), so two workers never both start
    /// a group's window nor overdraw a rate.
    public func paceNotifications(_ request: NotificationPacingRequest, now: Timestamp) async throws -> NotificationPacingDecision {
        try await transaction(.system) { connection, logger in
            let capacity = Double(max(1, request.ratePerMinute))
            try await connection.query("""
                INSERT INTO notification_rate_buckets (channel, tokens, refilled_at)
                VALUES (\(request.channel.rawValue), \(capacity), \(now.microseconds)) ON CONFLICT (channel) DO NOTHING
                """, logger: logger)
            var bucket: NotificationTokenBucket?
            let bucketRows = try await connection.query("""
                SELECT tokens, refilled_at FROM notification_rate_buckets WHERE channel = \(request.channel.rawValue) FOR UPDATE
                """, logger: logger)
            for try await (tokens, refilledAt) in bucketRows.decode((Double, Int64).self) {
                bucket = NotificationTokenBucket(tokens: tokens, refilledAt: Timestamp(microseconds: refilledAt))
            }
            var lastSent: Timestamp?
            let markRows = try await connection.query("""
                SELECT last_sent_at FROM notification_digest_marks
                WHERE organization_id = \(request.organization.uuid) AND route_id = \(request.routeID) AND group_key = \(request.group)
                """, logger: logger)
            for try await sent in markRows.decode(Int64.self) { lastSent = Timestamp(microseconds: sent) }
            let outcome = NotificationPacing.decide(request, lastSent: lastSent, bucket: bucket, now: now)
            if let bucket = outcome.bucket {
                try await connection.query("""
                    UPDATE notification_rate_buckets SET tokens = \(bucket.tokens), refilled_at = \(bucket.refilledAt.microseconds)
                    WHERE channel = \(request.channel.rawValue)
                    """, logger: logger)
            }
            if outcome.marksSent {
                try await connection.query("""
                    INSERT INTO notification_digest_marks (organization_id, route_id, group_key, last_sent_at)
                    VALUES (\(request.organization.uuid), \(request.routeID), \(request.group), \(now.microseconds))
                    ON CONFLICT (organization_id, route_id, group_key) DO UPDATE SET last_sent_at = excluded.last_sent_at
                    """, logger: logger)
            }
            return outcome.decision
        }
    }

    public func releaseNotificationPacing(_ request: NotificationPacingRequest, sentAt: Timestamp) async throws {
        try await transaction(.tenant(request.organization)) { connection, logger in
            try await connection.query("""
                DELETE FROM notification_digest_marks
                WHERE organization_id = \(request.organization.uuid) AND route_id = \(request.routeID) AND group_key = \(request.group)
                  AND last_sent_at = \(sentAt.microseconds)
                """, logger: logger)
        }
    }
}
