import ChurnGuardCore
import ChurnGuardStorage
import Foundation

extension StoreConformance {
    static let rollupPropertyCases: [Case<RollupSubject>] = [
        Case(name: "property: rollups equal a recomputation from the raw points, with late arrivals") { store in
            for seed in UInt64(1)...4 {
                try await checkRollupsAgainstRaw(store, seed: seed)
            }
        },
    ]

    /// Appends random batches (two metrics, two organizations, points scattered over three days,
    /// so most batches hold late points for buckets already rolled up), runs `rollUp` with
    /// random limits in between, then compares every hour and day bucket with one computed
    /// directly from the points read back.
    static func checkRollupsAgainstRaw(_ store: RollupSubject, seed: UInt64) async throws {
        var random = SplitMix64(seed: seed)
        let organizations = [OrganizationID.random(), OrganizationID.random()]
        let metrics = ["churn_risk_score", "logins"]
        for _ in 0..<12 {
            var batches: [PointBatch] = []
            for organization in organizations {
                let points = (0..<Int(random.next() % 60)).map { _ in
                    Fixture.point(metrics[Int(random.next() % 2)], minute: Int(random.next() % (3 * 24 * 60)),
                                  value: Double(Int64(random.next() % 2_000_001) - 1_000_000) / 997 + 1e4)
                }
                batches.append(PointBatch(organization: organization, points: points))
            }
            try await store.append(batches)
            _ = try await store.rollUp(maxPoints: 1 + Int(random.next() % 150))
        }
        while try await store.rollUp(maxPoints: 97) > 0 {}
        for organization in organizations {
            for metric in metrics {
                let raw = try await Fixture.readAll(store.points, PointQuery(metricName: metric, limit: 500), organization: organization)
                for resolution in RollupResolution.allCases {
                    var expected: [Timestamp: RollupAggregate] = [:]
                    for stored in raw {
                        expected[resolution.bucketStart(of: stored.point.timestamp), default: RollupAggregate()].add(stored.point.value)
                    }
                    let actual = try await store.rollups(metricName: metric, resolution: resolution, from: nil, to: nil,
                                                         limit: 10_000, organization: organization)
                    try check(actual.map(\.start) == expected.keys.sorted(), "seed \(seed) \(metric) \(resolution): buckets differ")
                    for bucket in actual {
                        guard let want = expected[bucket.start] else { continue }
                        let got = bucket.aggregate
                        try check(got.count == want.count && close(got.sum, want.sum) && close(got.average, want.average)
                                  && got.min == want.min && got.max == want.max
                                  && close(got.sampleStandardDeviation, want.sampleStandardDeviation),
                                  "seed \(seed) \(metric) \(resolution) \(bucket.start): got \(got), want \(want)")
                    }
                }
            }
        }
    }
}

/// A small seeded generator (SplitMix64) so every backend sees the same random data.
struct SplitMix64: RandomNumberGenerator {
    private var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
