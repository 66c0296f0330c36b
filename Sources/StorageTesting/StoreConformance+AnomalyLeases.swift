import ChurnGuardCore
public import ChurnGuardStorage
import Foundation

extension StoreConformance {
    /// The anomaly monitors' leases: fair shares, expiry, release, and no bucket granted to two
    /// live monitors, even when they claim at once.
    public static let anomalyLeaseCases: [Case<any AnomalyLeaseStore>] = [
        Case(name: "a lone monitor holds every bucket; a second gets its half after the first gives it back") { store in
            let t = Timestamp(seconds: 1_764_000_000), until = t.adding(seconds: 60)
            let first = try await store.claimMonitorBuckets(owner: "a", bucketCount: 8, now: t, until: until)
            try check(first == MonitorLeaseGrant(buckets: Set(0..<8), monitors: 1), "alone: \(first)")
            let waiting = try await store.claimMonitorBuckets(owner: "b", bucketCount: 8, now: t.adding(seconds: 1), until: until)
            try check(waiting.buckets.isEmpty && waiting.monitors == 2, "nothing free yet: \(waiting)")
            let shrunk = try await store.claimMonitorBuckets(owner: "a", bucketCount: 8, now: t.adding(seconds: 2), until: until)
            try check(shrunk.buckets == Set(0..<4) && shrunk.monitors == 2, "a keeps its fair share: \(shrunk)")
            let joined = try await store.claimMonitorBuckets(owner: "b", bucketCount: 8, now: t.adding(seconds: 3), until: until)
            try check(joined.buckets == Set(4..<8), "b takes what a gave back: \(joined)")
            let renewed = try await store.claimMonitorBuckets(owner: "a", bucketCount: 8, now: t.adding(seconds: 4), until: until)
            try check(renewed.buckets == Set(0..<4), "a renewal changes nothing: \(renewed)")
        },
        Case(name: "a monitor that stops renewing loses its buckets when its lease expires") { store in
            let t = Timestamp(seconds: 1_764_000_000)
            _ = try await store.claimMonitorBuckets(owner: "a", bucketCount: 8, now: t, until: t.adding(seconds: 10))
            _ = try await store.claimMonitorBuckets(owner: "b", bucketCount: 8, now: t, until: t.adding(seconds: 10))
            _ = try await store.claimMonitorBuckets(owner: "a", bucketCount: 8, now: t, until: t.adding(seconds: 10))
            let half = try await store.claimMonitorBuckets(owner: "b", bucketCount: 8, now: t.adding(seconds: 1), until: t.adding(seconds: 11))
            try check(half.buckets.count == 4, "b holds half: \(half)")
            // a dies: no renewal. Before its lease ends b cannot take its buckets.
            let before = try await store.claimMonitorBuckets(owner: "b", bucketCount: 8, now: t.adding(seconds: 9), until: t.adding(seconds: 19))
            try check(before.buckets == half.buckets && before.monitors == 2, "a's leases still hold: \(before)")
            let after = try await store.claimMonitorBuckets(owner: "b", bucketCount: 8, now: t.adding(seconds: 10), until: t.adding(seconds: 20))
            try check(after == MonitorLeaseGrant(buckets: Set(0..<8), monitors: 1), "b takes everything at a's expiry: \(after)")
        },
        Case(name: "a released monitor's buckets go at once to the next claim") { store in
            let t = Timestamp(seconds: 1_764_000_000), until = t.adding(seconds: 600)
            for owner in ["a", "b", "a", "b"] { _ = try await store.claimMonitorBuckets(owner: owner, bucketCount: 8, now: t, until: until) }
            try await store.releaseMonitorBuckets(owner: "a")
            let all = try await store.claimMonitorBuckets(owner: "b", bucketCount: 8, now: t, until: until)
            try check(all == MonitorLeaseGrant(buckets: Set(0..<8), monitors: 1), "b alone after a's release: \(all)")
            try await store.releaseMonitorBuckets(owner: "nobody")
        },
        Case(name: "monitors claiming at once never hold one bucket together and end up covering every bucket") { store in
            let t = Timestamp(seconds: 1_764_000_000), until = t.adding(seconds: 600)
            let owners = ["m0", "m1", "m2", "m3"]
            var latest: [String: Set<Int>] = [:]
            for round in 0..<4 {
                let grants = try await withThrowingTaskGroup(of: (String, MonitorLeaseGrant).self) { group in
                    for owner in owners {
                        group.addTask {
                            (owner, try await store.claimMonitorBuckets(owner: owner, bucketCount: 64, now: t.adding(seconds: Int64(round)),
                                                                        until: until))
                        }
                    }
                    var result: [(String, MonitorLeaseGrant)] = []
                    for try await grant in group { result.append(grant) }
                    return result
                }
                for (owner, grant) in grants {
                    try check(grant.buckets.allSatisfy { (0..<64).contains($0) }, "inside the range: \(grant)")
                    latest[owner] = grant.buckets
                }
                for (i, a) in owners.enumerated() {
                    for b in owners[(i + 1)...] {
                        try check(latest[a, default: []].isDisjoint(with: latest[b, default: []]),
                                  "round \(round): \(a) and \(b) share \(latest[a, default: []].intersection(latest[b, default: []]))")
                    }
                }
            }
            try check(latest.values.reduce(into: Set<Int>()) { $0.formUnion($1) } == Set(0..<64),
                      "after four rounds every bucket is held: \(latest.mapValues(\.count))")
            try check(latest.values.allSatisfy { $0.count == 16 }, "fair shares: \(latest.mapValues(\.count))")
        },
    ]
}
