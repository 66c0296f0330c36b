import ChurnGuardCore
import ChurnGuardStorage
import Foundation

extension StoreConformance {
    static let retentionCases: [Case<RollupSubject>] = [
        Case(name: "raw retention deletes only rolled-up points, in bounded batches, and keeps the catalog exact") { store in
            let org = OrganizationID.random()
            let old = (0..<5).map { Fixture.point(minute: $0, value: Double($0)) }
            try await store.append([PointBatch(organization: org, points: old)])
            _ = try await store.rollUp(maxPoints: 100)
            // Not yet rolled up: must survive although it is older than the cutoff.
            try await store.append([PointBatch(organization: org, points: [Fixture.point(minute: 6, value: 6)])])
            // The newest point, inside retention.
            try await store.append([PointBatch(organization: org, points: [Fixture.point(minute: 2000, value: 9)])])
            let cutoff = Fixture.base.adding(seconds: 600)
            let firstBatch = try await store.expire(.raw, before: cutoff, limit: 3)
            try check(firstBatch == 3, "first batch deleted \(firstBatch), limit 3")
            let secondBatch = try await store.expire(.raw, before: cutoff, limit: 3)
            try check(secondBatch == 2, "second batch deleted \(secondBatch), expected the 2 rolled-up points left")
            let left = try await store.points(PointQuery(metricName: "churn_risk_score"), organization: org).points.map(\.point.value)
            try check(left == [6, 9], "left \(left)")
            let summary = try await store.metrics(organization: org)
            try check(summary == [MetricSummary(metricName: "churn_risk_score", points: 2, firstTimestamp: Fixture.base.adding(seconds: 360),
                                                lastTimestamp: Fixture.base.adding(seconds: 120_000))], "catalog \(summary)")
            let hours = try await store.rollups(metricName: "churn_risk_score", resolution: .hour, from: nil, to: nil, limit: 10, organization: org)
            try check(hours.first?.aggregate.count == 5, "rollups survive raw retention: \(hours)")
            _ = try await store.rollUp(maxPoints: 100)
            let clean = try await store.expire(.raw, before: cutoff, limit: 10)
            try check(clean == 1, "once rolled up, the late point expires too (deleted \(clean))")
        },
        Case(name: "a series emptied by retention leaves the catalog") { store in
            let org = OrganizationID.random()
            try await store.append([PointBatch(organization: org, points: [Fixture.point("logins", minute: 0, value: 1)])])
            try await store.append([PointBatch(organization: org, points: [Fixture.point(minute: 3000, value: 1)])])
            _ = try await store.rollUp(maxPoints: 100)
            let deleted = try await store.expire(.raw, before: Fixture.base.adding(seconds: 60), limit: 10)
            try check(deleted == 1, "deleted \(deleted)")
            let names = try await store.metrics(organization: org).map(\.metricName)
            try check(names == ["churn_risk_score"], "catalog lists \(names)")
        },
        Case(name: "hourly and daily retention delete old buckets only") { store in
            let org = OrganizationID.random()
            let points = (0..<72).map { Fixture.point(minute: $0 * 60, value: 1) }
            try await store.append([PointBatch(organization: org, points: points)])
            _ = try await store.rollUp(maxPoints: 1000)
            let cutoff = Fixture.base.adding(seconds: 48 * 3600)
            var deleted = 0
            while true {
                let batch = try await store.expire(.hourly, before: cutoff, limit: 10)
                try check(batch <= 10, "a batch deleted \(batch) rows, limit 10")
                deleted += batch
                if batch < 10 { break }
            }
            try check(deleted == 48, "deleted \(deleted) hourly rows, expected 48")
            let hours = try await store.rollups(metricName: "churn_risk_score", resolution: .hour, from: nil, to: nil, limit: 100, organization: org)
            try check(hours.count == 24 && hours.first?.start == cutoff, "hours left \(hours.count)")
            let daysBefore = try await store.rollups(metricName: "churn_risk_score", resolution: .day, from: nil, to: nil, limit: 100, organization: org)
            let dayCut = daysBefore.count > 1 ? daysBefore[1].start : Fixture.base
            let dailyDeleted = try await store.expire(.daily, before: dayCut, limit: 10)
            try check(dailyDeleted == 1, "deleted \(dailyDeleted) daily rows")
            let stats = try await store.rollupStatistics()
            try check(stats.hourlyBuckets == 24 && stats.dailyBuckets == Int64(daysBefore.count - 1) && stats.pendingPoints == 0,
                      "statistics \(stats)")
        },
    ]
}
