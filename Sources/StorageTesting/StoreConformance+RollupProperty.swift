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

    /// The breakdown the property test folds: two dimensions, a cap small enough that
    /// `other` is exercised.
    static let propertyDimensions = RollupDimensions(names: ["segment", "plan"], maxValues: 3)

    /// Appends random batches (two metrics, two organizations, points scattered over three days,
    /// so most batches hold late points for buckets already rolled up; random `segment` and
    /// `plan` tags, sometimes absent, more segment values than the cap), runs `rollUp` with
    /// random limits in between, then compares every hour and day bucket, per metric and per
    /// dimension group, with one computed directly from the points read back.
    static func checkRollupsAgainstRaw(_ store: RollupSubject, seed: UInt64) async throws {
        var random = SplitMix64(seed: seed)
        let organizations = [OrganizationID.random(), OrganizationID.random()]
        let metrics = ["churn_risk_score", "logins"]
        let segments = ["smb", "mid_market", "enterprise", "startup", "agency", RollupDimensions.otherValue]
        let plans = ["free", "pro"]
        for _ in 0..<12 {
            var batches: [PointBatch] = []
            for organization in organizations {
                let points = (0..<Int(random.next() % 60)).map { _ in
                    var tags: [String: String] = ["customer_id": "c\(random.next() % 9)"]
                    let segment = Int(random.next() % UInt64(segments.count + 1))
                    if segment < segments.count { tags["segment"] = segments[segment] }
                    let plan = Int(random.next() % 3)
                    if plan < plans.count { tags["plan"] = plans[plan] }
                    return Fixture.point(metrics[Int(random.next() % 2)], minute: Int(random.next() % (3 * 24 * 60)),
                                         value: Double(Int64(random.next() % 2_000_001) - 1_000_000) / 997 + 1e4, tags: tags)
                }
                batches.append(PointBatch(organization: organization, points: points))
            }
            try await store.append(batches)
            _ = try await store.rollUp(maxPoints: 1 + Int(random.next() % 150), dimensions: propertyDimensions)
        }
        while try await store.rollUp(maxPoints: 97, dimensions: propertyDimensions) > 0 {}
        for organization in organizations {
            try await checkDimensionRollupsAgainstRaw(store, organization: organization, metrics: metrics, seed: seed)
        }
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

extension StoreConformance {
    /// Recomputes the dimension rollups of `organization` from its raw points: values are
    /// admitted per dimension in point-sequence order (across metrics) up to the cap, the rest
    /// and the literal `other` grouped as `other`, points without the tag left out.
    static func checkDimensionRollupsAgainstRaw(_ store: RollupSubject, organization: OrganizationID, metrics: [String],
                                                seed: UInt64) async throws {
        var raw: [StoredPoint] = []
        for metric in metrics {
            raw += try await Fixture.readAll(store.points, PointQuery(metricName: metric, limit: 500), organization: organization)
        }
        raw.sort { $0.sequence < $1.sequence }
        let cap = propertyDimensions.maxValues
        for dimension in propertyDimensions.names {
            var admitted: [String] = []
            for stored in raw {
                guard let value = stored.point.tags[dimension], value != RollupDimensions.otherValue,
                      !admitted.contains(value), admitted.count < cap else { continue }
                admitted.append(value)
            }
            for metric in metrics {
                for resolution in RollupResolution.allCases {
                    var expected: [String: [Timestamp: RollupAggregate]] = [:]
                    for stored in raw where stored.point.metricName == metric {
                        guard let value = stored.point.tags[dimension] else { continue }
                        let group = admitted.contains(value) ? value : RollupDimensions.otherValue
                        expected[group, default: [:]][resolution.bucketStart(of: stored.point.timestamp), default: RollupAggregate()]
                            .add(stored.point.value)
                    }
                    let actual = try await store.dimensionRollups(metricName: metric, dimension: dimension, resolution: resolution,
                                                                  from: nil, to: nil, limit: 10_000, organization: organization)
                    let wantKeys = expected.flatMap { group, buckets in buckets.keys.map { "\(group)@\($0)" } }.sorted()
                    let gotKeys = actual.map { "\($0.value)@\($0.start)" }.sorted()
                    try check(gotKeys == wantKeys, "seed \(seed) \(metric) \(dimension) \(resolution): groups differ: \(gotKeys) vs \(wantKeys)")
                    try check(isGroupOrdered(actual), "seed \(seed) \(dimension): buckets not ordered by value, then oldest first")
                    for bucket in actual {
                        guard let want = expected[bucket.value]?[bucket.start] else { continue }
                        let got = bucket.aggregate
                        try check(got.count == want.count && close(got.sum, want.sum) && close(got.average, want.average)
                                  && got.min == want.min && got.max == want.max
                                  && close(got.sampleStandardDeviation, want.sampleStandardDeviation),
                                  "seed \(seed) \(metric) \(dimension)=\(bucket.value) \(resolution) \(bucket.start): got \(got), want \(want)")
                    }
                }
            }
        }
    }

    /// Whether buckets come grouped by value (ascending) and oldest first within a group.
    static func isGroupOrdered(_ buckets: [DimensionRollupBucket]) -> Bool {
        zip(buckets, buckets.dropFirst()).allSatisfy { a, b in a.value < b.value || (a.value == b.value && a.start < b.start) }
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
