import ChurnGuardCore
import ChurnGuardStorage
import Foundation

extension StoreConformance {
    /// What a rollup backend must promise so that one tenant's data cannot stop another's:
    /// non-finite summaries are refused per bucket.
    static let rollupRobustnessCases: [Case<RollupSubject>] = [
        Case(name: "a bucket that would overflow is refused alone; other series and organizations still roll up") { store in
            let poisoned = OrganizationID.random()
            let healthy = OrganizationID.random()
            // Values a store may hold from before the ±1e100 bound: their mean and spread
            // overflow to infinity and NaN, which SQLite would store as NULL and fail.
            try await store.append([
                PointBatch(organization: poisoned, points: [
                    Fixture.point(minute: 1, value: 1.7e308), Fixture.point(minute: 2, value: -1.7e308), Fixture.point(minute: 3, value: 0),
                    Fixture.point("logins", minute: 1, value: 4),
                ]),
                PointBatch(organization: healthy, points: [Fixture.point(minute: 1, value: 2), Fixture.point(minute: 2, value: 6)]),
            ])
            let run = try await store.foldNewPoints(maxPoints: 1000)
            try check(run.folded == 6, "folded \(run.folded) points, expected 6")
            let refused = Set(run.rejected.map { "\($0.organization) \($0.metricName) \($0.resolution.rawValue)" })
            try check(refused == ["\(poisoned) churn_risk_score hour", "\(poisoned) churn_risk_score day"], "refused \(run.rejected)")
            let stats = try await store.rollupStatistics()
            try check(stats.pendingPoints == 0, "the watermark must move past the refused points; pending \(stats.pendingPoints)")
            let healthyHours = try await store.rollups(metricName: "churn_risk_score", resolution: .hour, from: nil, to: nil,
                                                      limit: 10, organization: healthy)
            try check(healthyHours.map(\.aggregate.count) == [2] && healthyHours.first?.aggregate.sum == 8, "healthy \(healthyHours)")
            let otherSeries = try await store.rollups(metricName: "logins", resolution: .day, from: nil, to: nil, limit: 10, organization: poisoned)
            try check(otherSeries.map(\.aggregate.count) == [1], "the poisoned organization's other metric: \(otherSeries)")
            let refusedRows = try await store.rollups(metricName: "churn_risk_score", resolution: .hour, from: nil, to: nil,
                                                     limit: 10, organization: poisoned)
            try check(refusedRows.isEmpty, "a refused bucket must not be written: \(refusedRows)")
            try await store.append([PointBatch(organization: healthy, points: [Fixture.point(minute: 3, value: 1)])])
            let next = try await store.foldNewPoints(maxPoints: 1000)
            try check(next.folded == 1 && next.rejected.isEmpty, "the next run: \(next)")
        },
        Case(name: "values within ±1e100 always roll up to finite summaries") { store in
            let org = OrganizationID.random()
            let extreme = MetricPoint.maximumMagnitude
            try await store.append([PointBatch(organization: org, points: [
                Fixture.point(minute: 1, value: extreme), Fixture.point(minute: 2, value: -extreme),
                Fixture.point(minute: 3, value: extreme), Fixture.point(minute: 4, value: 0),
            ])])
            let run = try await store.foldNewPoints(maxPoints: 1000)
            try check(run.rejected.isEmpty, "refused \(run.rejected)")
            let hours = try await store.rollups(metricName: "churn_risk_score", resolution: .hour, from: nil, to: nil, limit: 10, organization: org)
            let aggregate = hours.first?.aggregate
            try check(aggregate?.count == 4 && aggregate?.isFinite == true && aggregate?.max == extreme && aggregate?.min == -extreme,
                      "summary \(String(describing: aggregate))")
        },
    ]

    /// The points role's bound on tag scans, so one tenant's filter cannot swamp a reader.
    static let scanCases: [Case<any MetricStore>] = [
        Case(name: "a tag filter scans a bounded number of points per page; following cursors finds every match") { store in
            let org = OrganizationID.random()
            let points = (0..<40).map { minute in
                Fixture.point(minute: minute, value: Double(minute), tags: ["customer_id": minute % 13 == 0 ? "c-rare" : "c-\(minute)"])
            }
            try await store.append([PointBatch(organization: org, points: points)])
            var query = PointQuery(metricName: "churn_risk_score", tags: ["customer_id": "c-rare"], limit: 2, scanLimit: 5)
            let first = try await store.points(query, organization: org)
            try check(first.points.map(\.point.value) == [0], "first page \(first.points.map(\.point.value))")
            try check(first.nextCursor != nil, "a page stopped by the scan bound has a cursor")
            var next = query
            next.after = first.nextCursor
            let second = try await store.points(next, organization: org)
            try check(second.points.isEmpty && second.nextCursor != nil,
                      "the next page scans minutes 5-9 (no match) and resumes after them: \(second.points.map(\.point.value))")
            let all = try await Fixture.readAll(store, query, organization: org)
            try check(all.map(\.point.value) == [0, 13, 26, 39], "every match \(all.map(\.point.value))")
            query.scanLimit = 1000
            let unbounded = try await store.points(query, organization: org)
            try check(unbounded.points.map(\.point.value) == [0, 13] && unbounded.nextCursor != nil, "wide scan \(unbounded.points.map(\.point.value))")
            let rest = try await Fixture.readAll(store, query, organization: org)
            try check(rest.map(\.point.value) == [0, 13, 26, 39], "wide scan, every match \(rest.map(\.point.value))")
        },
    ]
}
