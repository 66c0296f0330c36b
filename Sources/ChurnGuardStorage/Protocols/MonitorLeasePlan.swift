public import ChurnGuardCore

/// The one claim rule every backend applies inside its claim transaction (so they cannot
/// differ): from the stored leases and live monitors, which buckets the claimant keeps, gives
/// back and takes.
///
/// The claimant's share is ⌈`bucketCount` ÷ live monitors⌉ (itself included). It keeps its own
/// buckets (expired or not: nobody else took them) lowest first up to the share and gives back
/// the others (and any bucket outside `0..<bucketCount`), then takes free buckets lowest first
/// until it holds its share. A new monitor therefore holds nothing at its first claim while
/// the others hold everything; their next claims give back down to the new share and its
/// second claim takes them.
public struct MonitorLeasePlan: Sendable, Equatable {
    /// Buckets the claimant holds after the claim (renewed or taken).
    public var held: Set<Int>
    /// Buckets it held and gives back.
    public var released: Set<Int>
    /// Live monitors, the claimant included.
    public var monitors: Int

    /// The plan for `owner` given every stored lease and the live monitors other than `owner`
    /// (registrations unexpired at `now`).
    public init(owner: String, bucketCount: Int, now: Timestamp, leases: [MonitorLease], otherMonitors: Set<String>) {
        let count = max(1, bucketCount)
        var live = otherMonitors
        live.remove(owner)
        // A holder of an unexpired lease is live even if its registration lapsed first.
        for lease in leases where lease.owner != owner && lease.expiresAt > now { live.insert(lease.owner) }
        monitors = live.count + 1
        let share = (count + monitors - 1) / monitors
        let mine = leases.filter { $0.owner == owner }.map(\.bucket)
        let kept = mine.filter { (0..<count).contains($0) }.sorted().prefix(share)
        released = Set(mine).subtracting(kept)
        let taken = Set(leases.filter { $0.owner != owner && $0.expiresAt > now }.map(\.bucket))
        let free = (0..<count).filter { !taken.contains($0) && !mine.contains($0) }
        held = Set(kept).union(free.prefix(max(0, share - kept.count)))
    }
}

/// How series map to lease buckets: a stable hash (FNV-1a, the same in every process and
/// release, unlike Swift's seeded `Hasher`) of the organization and the series key.
public enum MonitorBuckets {
    /// Buckets the series are split into (the unit of a lease): enough for a fair split among
    /// a few dozen monitors, few enough that a claim stays one small transaction.
    public static let count = 64

    /// The bucket of one watched series.
    public static func bucket(organization: OrganizationID, seriesKey: String, count: Int = MonitorBuckets.count) -> Int {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in organization.description.utf8 { hash = (hash ^ UInt64(byte)) &* 0x100_0000_01b3 }
        hash = (hash ^ 0x1f) &* 0x100_0000_01b3
        for byte in seriesKey.utf8 { hash = (hash ^ UInt64(byte)) &* 0x100_0000_01b3 }
        return Int(hash % UInt64(max(1, count)))
    }
}
