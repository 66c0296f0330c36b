import ChurnGuardCore
import ChurnGuardStorage
import Foundation

extension StoreConformance {
    static let dimensionRollupCases: [Case<RollupSubject>] = [
        Case(name: "dimension rollups summarise each group value per hour and day; untagged points are in no group") { store in
            let org = OrganizationID.random()
            let points = [
                Fixture.point(minute: 0, value: 1, tags: ["segment": "smb", "customer_id": "a"]),
                Fixture.point(minute: 10, value: 3, tags: ["segment": "smb", "customer_id": "b", "plan": "pro"]),
                Fixture.point(minute: 20, value: 10, tags: ["segment": "enterprise", "customer_id": "c"]),
                Fixture.point(minute: 70, value: 5, tags: ["segment": "smb", "customer_id": "a"]),
                Fixture.point(minute: 30, value: 100, tags: ["customer_id": "d"]),
            ]
            try await store.append([PointBatch(organization: org, points: points)])
            try check(try await store.rollUp(maxPoints: 1000) == 5, "folded")
            let hours = try await store.dimensionRollups(metricName: "churn_risk_score", dimension: "segment", resolution: .hour,
                                                         from: nil, to: nil, limit: 100, organization: org)
            let summary = hours.map { "\($0.value)@\($0.start.microseconds - Fixture.base.microseconds):\($0.aggregate.count)/\($0.aggregate.sum)" }
            try check(summary == ["enterprise@0:1/10.0", "smb@0:2/4.0", "smb@3600000000:1/5.0"], "segment hours \(summary)")
            let days = try await store.dimensionRollups(metricName: "churn_risk_score", dimension: "segment", resolution: .day,
                                                        from: nil, to: nil, limit: 100, organization: org)
            try check(days.map(\.value) == ["enterprise", "smb"] && days.last?.aggregate.count == 3 && days.last?.aggregate.max == 5,
                      "segment days \(days)")
            let plans = try await store.dimensionRollups(metricName: "churn_risk_score", dimension: "plan", resolution: .day,
                                                         from: nil, to: nil, limit: 100, organization: org)
            try check(plans.map(\.value) == ["pro"] && plans.first?.aggregate.sum == 3, "plan days \(plans)")
            let window = try await store.dimensionRollups(metricName: "churn_risk_score", dimension: "segment", resolution: .hour,
                                                          from: Fixture.base.adding(seconds: 3600), to: nil, limit: 100, organization: org)
            try check(window.map(\.value) == ["smb"], "from is inclusive of the bucket start: \(window)")
            let stranger = try await store.dimensionRollups(metricName: "churn_risk_score", dimension: "segment", resolution: .hour,
                                                            from: nil, to: nil, limit: 100, organization: .random())
            try check(stranger.isEmpty, "another organization sees \(stranger)")
            let untouched = try await store.dimensionRollups(metricName: "churn_risk_score", dimension: "customer_id", resolution: .hour,
                                                             from: nil, to: nil, limit: 100, organization: org)
            try check(untouched.isEmpty, "an unconfigured tag is not rolled up: \(untouched)")
        },
        Case(name: "values past the cap are grouped as other, for good, in point order across runs") { store in
            let org = OrganizationID.random()
            let dimensions = RollupDimensions(names: ["segment"], maxValues: 2)
            func add(_ segment: String, minute: Int, value: Double) async throws {
                try await store.append([PointBatch(organization: org, points: [
                    Fixture.point(minute: minute, value: value, tags: ["segment": segment]),
                ])])
            }
            try await add("a", minute: 0, value: 1)
            try await add("other", minute: 1, value: 2)
            try await add("b", minute: 2, value: 4)
            _ = try await store.rollUp(maxPoints: 2, dimensions: dimensions)
            _ = try await store.rollUp(maxPoints: 100, dimensions: dimensions)
            try await add("c", minute: 3, value: 8)
            try await add("a", minute: 4, value: 16)
            try await add("d", minute: 5, value: 32)
            _ = try await store.rollUp(maxPoints: 100, dimensions: dimensions)
            let groups = try await store.dimensionRollups(metricName: "churn_risk_score", dimension: "segment", resolution: .day,
                                                          from: nil, to: nil, limit: 100, organization: org)
            let sums = groups.map { "\($0.value)=\($0.aggregate.sum)" }
            try check(sums == ["a=17.0", "b=4.0", "other=42.0"], "groups \(sums)")
            let perMetric = try await store.rollups(metricName: "churn_risk_score", resolution: .day, from: nil, to: nil, limit: 10, organization: org)
            try check(perMetric.first?.aggregate.sum == 63, "the per-metric rollup keeps every point: \(perMetric)")
        },
        Case(name: "a run with no dimensions folds no dimension rows; the watermark still moves") { store in
            let org = OrganizationID.random()
            try await store.append([PointBatch(organization: org, points: [Fixture.point(minute: 0, value: 1, tags: ["segment": "smb"])])])
            try check(try await store.rollUp(maxPoints: 10, dimensions: .none) == 1, "folded")
            let groups = try await store.dimensionRollups(metricName: "churn_risk_score", dimension: "segment", resolution: .hour,
                                                          from: nil, to: nil, limit: 10, organization: org)
            try check(groups.isEmpty, "groups \(groups)")
            try check(try await store.rollupStatistics().pendingPoints == 0, "nothing pending")
        },
        Case(name: "hourly and daily retention expire dimension rows too, within the limit") { store in
            let org = OrganizationID.random()
            let points = (0..<3).map { Fixture.point(minute: $0 * 60, value: 1, tags: ["segment": "s\($0)"]) }
                + [Fixture.point(minute: 3 * 24 * 60, value: 1, tags: ["segment": "s0"])]
            try await store.append([PointBatch(organization: org, points: points)])
            _ = try await store.rollUp(maxPoints: 100)
            let cutoff = Fixture.base.adding(seconds: 86_400)
            // Three per-metric hours and three segment hours are older than the cutoff.
            let first = try await store.expire(.hourly, before: cutoff, limit: 4)
            try check(first == 4, "first hourly batch deleted \(first)")
            let second = try await store.expire(.hourly, before: cutoff, limit: 4)
            try check(second == 2, "second hourly batch deleted \(second)")
            let hours = try await store.dimensionRollups(metricName: "churn_risk_score", dimension: "segment", resolution: .hour,
                                                         from: nil, to: nil, limit: 10, organization: org)
            try check(hours.map(\.value) == ["s0"] && hours.first?.start == Fixture.base.adding(seconds: 3 * 86_400), "left \(hours)")
            let days = try await store.expire(.daily, before: cutoff, limit: 100)
            try check(days == 4, "daily deleted \(days): one per-metric day and three segment days")
        },
    ]
}
