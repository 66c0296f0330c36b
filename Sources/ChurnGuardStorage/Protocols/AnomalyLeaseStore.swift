public import ChurnGuardCore

/// The anomaly monitors' leases: how several monitors (two `churnguard worker` processes, or
/// `serve` and a worker) on one database split the watched series between them. Series are
/// hashed into ``MonitorBuckets/count`` buckets (``MonitorBuckets/bucket(organization:seriesKey:count:)``);
/// a monitor scores only the series of the buckets it holds. Checked by
/// `StoreConformance.anomalyLeaseCases`.
///
/// What every implementation promises:
/// - **One holder per bucket.** Until its lease expires, a bucket is held by one monitor only;
///   a monitor that stops renewing (it died) loses its buckets when their leases expire, and
///   the next claim of another monitor takes them.
/// - **Fair shares.** Each claim registers its owner as a live monitor until `until`; an owner
///   holds at most ⌈buckets ÷ live monitors⌉ buckets and gives back the rest, so a monitor that
///   joins gets its share within two claims of the others (``MonitorLeasePlan``).
/// - **Atomic claims.** A claim reads, releases, renews and takes in one serialized transaction.
/// - **System rows.** Leases span organizations: they are visible to the monitors only, never to
///   a tenant's requests (row-level security on PostgreSQL).
///
/// Leases divide the work; they do not guard it. A monitor stalled past its lease may still
/// commit: the per-series checkpoint compare-and-set of
/// ``AnomalyStore/commitMonitorRun(anomalies:states:organization:)`` refuses the second commit,
/// so an anomaly is stored once even then.
public protocol AnomalyLeaseStore: Sendable {
    /// Registers `owner` as a live monitor until `until`, renews the buckets it holds up to its
    /// fair share, gives back the rest, and takes free buckets (never leased, released, or
    /// whose lease expired at or before `now`) up to its share, in one transaction.
    /// - Returns: the buckets `owner` holds until `until`.
    func claimMonitorBuckets(owner: String, bucketCount: Int, now: Timestamp, until: Timestamp) async throws -> MonitorLeaseGrant

    /// Gives back every bucket `owner` holds and unregisters it (a graceful stop), so the other
    /// monitors take its series at their next claim instead of after the lease expiry.
    func releaseMonitorBuckets(owner: String) async throws
}

/// What a claim handed to its owner.
public struct MonitorLeaseGrant: Sendable, Equatable {
    /// The buckets held until the claim's `until`.
    public var buckets: Set<Int>
    /// Live monitors at the claim, the claimant included.
    public var monitors: Int

    /// Creates a grant.
    public init(buckets: Set<Int>, monitors: Int) {
        self.buckets = buckets
        self.monitors = monitors
    }
}

/// One stored bucket lease.
public struct MonitorLease: Sendable, Equatable {
    /// The bucket.
    public var bucket: Int
    /// The monitor holding it.
    public var owner: String
    /// When the lease ends unless renewed.
    public var expiresAt: Timestamp

    /// Creates a lease.
    public init(bucket: Int, owner: String, expiresAt: Timestamp) {
        self.bucket = bucket
        self.owner = owner
        self.expiresAt = expiresAt
    }
}
