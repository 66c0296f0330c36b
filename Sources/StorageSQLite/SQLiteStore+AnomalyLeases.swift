public import ChurnGuardCore
public import ChurnGuardStorage
import GRDB

/// The anomaly monitors' leases on SQLite: a claim is one write transaction, serialized with
/// every other writer of the file (other processes included).
extension SQLiteStore: AnomalyLeaseStore {
    public func claimMonitorBuckets(owner: String, bucketCount: Int, now: Timestamp, until: Timestamp) async throws -> MonitorLeaseGrant {
        try await write { db in
            try db.execute(sql: "DELETE FROM anomaly_monitors WHERE expires_at <= ?", arguments: [now.microseconds])
            let others = Set(try String.fetchAll(db, sql: "SELECT owner FROM anomaly_monitors WHERE owner <> ?", arguments: [owner]))
            let leases = try Row.fetchAll(db, sql: "SELECT bucket, owner, expires_at FROM anomaly_monitor_leases").map { row in
                MonitorLease(bucket: row[0], owner: row[1], expiresAt: Timestamp(microseconds: row[2]))
            }
            let plan = MonitorLeasePlan(owner: owner, bucketCount: bucketCount, now: now, leases: leases, otherMonitors: others)
            for bucket in plan.released {
                try db.execute(sql: "DELETE FROM anomaly_monitor_leases WHERE bucket = ? AND owner = ?", arguments: [bucket, owner])
            }
            for bucket in plan.held.sorted() {
                try db.execute(sql: """
                    INSERT INTO anomaly_monitor_leases (bucket, owner, expires_at) VALUES (?, ?, ?)
                    ON CONFLICT(bucket) DO UPDATE SET owner = excluded.owner, expires_at = excluded.expires_at
                    """, arguments: [bucket, owner, until.microseconds])
            }
            try db.execute(sql: """
                INSERT INTO anomaly_monitors (owner, expires_at) VALUES (?, ?)
                ON CONFLICT(owner) DO UPDATE SET expires_at = excluded.expires_at
                """, arguments: [owner, until.microseconds])
            return MonitorLeaseGrant(buckets: plan.held, monitors: plan.monitors)
        }
    }

    public func releaseMonitorBuckets(owner: String) async throws {
        try await write { db in
            try db.execute(sql: "DELETE FROM anomaly_monitor_leases WHERE owner = ?", arguments: [owner])
            try db.execute(sql: "DELETE FROM anomaly_monitors WHERE owner = ?", arguments: [owner])
        }
    }
}
