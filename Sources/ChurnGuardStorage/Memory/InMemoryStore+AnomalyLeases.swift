public import ChurnGuardCore

/// The anomaly monitors' leases in memory: bucket leases and live monitors' registrations.
struct InMemoryMonitorLeaseState {
    var leases: [Int: MonitorLease] = [:]
    var monitors: [String: Timestamp] = [:]
}

extension InMemoryStore: AnomalyLeaseStore {
    public func claimMonitorBuckets(owner: String, bucketCount: Int, now: Timestamp, until: Timestamp) async throws -> MonitorLeaseGrant {
        if let failure { throw failure }
        monitorLeaseState.monitors = monitorLeaseState.monitors.filter { $0.value > now }
        let plan = MonitorLeasePlan(owner: owner, bucketCount: bucketCount, now: now, leases: Array(monitorLeaseState.leases.values),
                                    otherMonitors: Set(monitorLeaseState.monitors.keys))
        for bucket in plan.released { monitorLeaseState.leases[bucket] = nil }
        for bucket in plan.held { monitorLeaseState.leases[bucket] = MonitorLease(bucket: bucket, owner: owner, expiresAt: until) }
        monitorLeaseState.monitors[owner] = until
        return MonitorLeaseGrant(buckets: plan.held, monitors: plan.monitors)
    }

    public func releaseMonitorBuckets(owner: String) async throws {
        if let failure { throw failure }
        monitorLeaseState.leases = monitorLeaseState.leases.filter { $0.value.owner != owner }
        monitorLeaseState.monitors[owner] = nil
    }
}
