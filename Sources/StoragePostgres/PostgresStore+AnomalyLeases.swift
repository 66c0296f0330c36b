public import ChurnGuardCore
public import ChurnGuardStorage
import PostgresNIO

/// The anomaly monitors' leases on PostgreSQL, in the system scope. A claim locks the
/// registrations table first, so concurrent claims (of other processes too) run one after the
/// other and each plans from what the previous one committed.
extension PostgresStore: AnomalyLeaseStore {
    public func claimMonitorBuckets(owner: String, bucketCount: Int, now: Timestamp, until: Timestamp) async throws -> MonitorLeaseGrant {
        try await transaction(.system) { connection, logger in
            try await connection.query("LOCK TABLE anomaly_monitors IN SHARE ROW EXCLUSIVE MODE", logger: logger)
            try await connection.query("DELETE FROM anomaly_monitors WHERE expires_at <= \(now.microseconds)", logger: logger)
            var others: Set<String> = []
            for try await name in try await connection.query(
                "SELECT owner FROM anomaly_monitors WHERE owner <> \(owner)", logger: logger).decode(String.self) {
                others.insert(name)
            }
            var leases: [MonitorLease] = []
            let rows = try await connection.query("SELECT bucket, owner, expires_at FROM anomaly_monitor_leases", logger: logger)
            for try await (bucket, holder, expires) in rows.decode((Int32, String, Int64).self) {
                leases.append(MonitorLease(bucket: Int(bucket), owner: holder, expiresAt: Timestamp(microseconds: expires)))
            }
            let plan = MonitorLeasePlan(owner: owner, bucketCount: bucketCount, now: now, leases: leases, otherMonitors: others)
            let released = plan.released.map { Int32(clamping: $0) }
            let held = plan.held.sorted().map { Int32(clamping: $0) }
            try await connection.query("""
                DELETE FROM anomaly_monitor_leases WHERE owner = \(owner) AND bucket = ANY(\(released)::integer[])
                """, logger: logger)
            try await connection.query("""
                INSERT INTO anomaly_monitor_leases (bucket, owner, expires_at)
                SELECT unnest(\(held)::integer[]), \(owner), \(until.microseconds)
                ON CONFLICT (bucket) DO UPDATE SET owner = excluded.owner, expires_at = excluded.expires_at
                """, logger: logger)
            try await connection.query("""
                INSERT INTO anomaly_monitors (owner, expires_at) VALUES (\(owner), \(until.microseconds))
                ON CONFLICT (owner) DO UPDATE SET expires_at = excluded.expires_at
                """, logger: logger)
            return MonitorLeaseGrant(buckets: plan.held, monitors: plan.monitors)
        }
    }

    public func releaseMonitorBuckets(owner: String) async throws {
        try await transaction(.system) { connection, logger in
            try await connection.query("LOCK TABLE anomaly_monitors IN SHARE ROW EXCLUSIVE MODE", logger: logger)
            try await connection.query("DELETE FROM anomaly_monitor_leases WHERE owner = \(owner)", logger: logger)
            try await connection.query("DELETE FROM anomaly_monitors WHERE owner = \(owner)", logger: logger)
        }
    }
}
