import ChurnGuardCore
import ChurnGuardStorage
import Foundation

extension StoreConformance {
    static let rollupBasicCases: [Case<RollupSubject>] = [
        Case(name: "rollups summarise each hour and day") { store in
            let org = OrganizationID.random()
            let points = [1.0, 2, 3].enumerated().map { Fixture.point(minute: $0.offset * 10, value: $0.element) }
                + [Fixture.point(minute: 70, value: 10)]
            try await store.append([PointBatch(organization: org, points: points)])
            let before = try await store.rollups(metricName: "churn_risk_score", resolution: .hour, from: nil, to: nil, limit: 100, organization: org)
            try check(before.isEmpty, "rollups before a run: \(before)")
            let folded = try await store.rollUp(maxPoints: 1000)
            try check(folded == 4, "first run folded \(folded) points, expected 4")
            let again = try await store.rollUp(maxPoints: 1000)
            try check(again == 0, "second run folded \(again) points, expected 0")
            let hours = try await store.rollups(metricName: "churn_risk_score", resolution: .hour, from: nil, to: nil, limit: 100, organization: org)
            try check(hours.map(\.start) == [Fixture.base, Fixture.base.adding(seconds: 3600)], "hour buckets \(hours.map(\.start))")
            let first = hours.first?.aggregate
            try check(first?.count == 3 && first?.sum == 6 && first?.average == 2 && first?.min == 1 && first?.max == 3,
                      "first hour \(String(describing: first))")
            try check(close(first?.sampleStandardDeviation, 1), "stddev \(String(describing: first?.sampleStandardDeviation))")
            try check(hours.last?.aggregate.sampleStandardDeviation == nil, "one point has no stddev")
            let days = try await store.rollups(metricName: "churn_risk_score", resolution: .day, from: nil, to: nil, limit: 100, organization: org)
            try check(days.count == 1 && days[0].aggregate.count == 4 && days[0].aggregate.sum == 16, "day \(days)")
            try check(days[0].start == RollupResolution.day.bucketStart(of: Fixture.base), "day start \(days[0].start)")
        },
        Case(name: "rollups are scoped to the organization") { store in
            let a = OrganizationID.random()
            let b = OrganizationID.random()
            try await store.append([
                PointBatch(organization: a, points: [Fixture.point(minute: 1, value: 1)]),
                PointBatch(organization: b, points: [Fixture.point(minute: 1, value: 5), Fixture.point(minute: 2, value: 7)]),
            ])
            _ = try await store.rollUp(maxPoints: 100)
            let seenByA = try await store.rollups(metricName: "churn_risk_score", resolution: .hour, from: nil, to: nil, limit: 10, organization: a)
            try check(seenByA.map(\.aggregate.count) == [1] && seenByA.first?.aggregate.sum == 1, "a sees \(seenByA)")
            let stranger = try await store.rollups(metricName: "churn_risk_score", resolution: .day, from: nil, to: nil, limit: 10, organization: .random())
            try check(stranger.isEmpty, "an unknown organization sees \(stranger)")
        },
        Case(name: "a late point re-aggregates only its bucket") { store in
            let org = OrganizationID.random()
            try await store.append([PointBatch(organization: org, points: (0..<6).map { Fixture.point(minute: $0 * 30, value: Double($0)) })])
            _ = try await store.rollUp(maxPoints: 100)
            try await store.append([PointBatch(organization: org, points: [Fixture.point(minute: 5, value: 100)])])
            let stats = try await store.rollupStatistics()
            try check(stats.pendingPoints == 1, "pending \(stats.pendingPoints)")
            let folded = try await store.rollUp(maxPoints: 100)
            try check(folded == 1, "the late run folded \(folded) points")
            let hours = try await store.rollups(metricName: "churn_risk_score", resolution: .hour, from: nil, to: nil, limit: 10, organization: org)
            try check(hours.map(\.aggregate.count) == [3, 2, 2], "counts \(hours.map(\.aggregate.count))")
            try check(hours.first?.aggregate.max == 100 && hours.first?.aggregate.sum == 101, "late hour \(String(describing: hours.first))")
        },
        Case(name: "rollUp folds at most maxPoints per call; a range is from-inclusive, to-exclusive") { store in
            let org = OrganizationID.random()
            try await store.append([PointBatch(organization: org, points: (0..<10).map { Fixture.point(minute: $0 * 60, value: 1) })])
            let counts = [try await store.rollUp(maxPoints: 4), try await store.rollUp(maxPoints: 4),
                          try await store.rollUp(maxPoints: 4), try await store.rollUp(maxPoints: 4)]
            try check(counts == [4, 4, 2, 0], "runs folded \(counts)")
            let range = try await store.rollups(metricName: "churn_risk_score", resolution: .hour, from: Fixture.base.adding(seconds: 3600),
                                                to: Fixture.base.adding(seconds: 4 * 3600), limit: 2, organization: org)
            try check(range.map(\.start) == [Fixture.base.adding(seconds: 3600), Fixture.base.adding(seconds: 7200)], "range \(range.map(\.start))")
        },
        Case(name: "concurrent rollUp calls fold every point exactly once") { store in
            let org = OrganizationID.random()
            try await store.append([PointBatch(organization: org, points: (0..<1000).map { Fixture.point(minute: $0 % 600, value: 1) })])
            let folded = try await withThrowingTaskGroup(of: Int.self) { group in
                for _ in 0..<4 {
                    group.addTask {
                        var total = 0
                        while true {
                            let batch = try await store.rollUp(maxPoints: 37)
                            if batch == 0 { return total }
                            total += batch
                        }
                    }
                }
                return try await group.reduce(0, +)
            }
            try check(folded == 1000, "the loops folded \(folded) points in total")
            let days = try await store.rollups(metricName: "churn_risk_score", resolution: .day, from: nil, to: nil, limit: 10, organization: org)
            try check(days.map(\.aggregate.count).reduce(0, +) == 1000, "days count \(days.map(\.aggregate.count))")
        },
    ]
}

/// Whether `a` equals `b` to within 1e-9, relative to their size.
func close(_ a: Double?, _ b: Double?) -> Bool {
    switch (a, b) {
    case (nil, nil): return true
    case let (x?, y?): return abs(x - y) <= 1e-9 * max(1, abs(x), abs(y))
    default: return false
    }
}
