import ChurnGuardCore
import ChurnGuardStorage
import Foundation
import StorageSQLite
import Testing

@Suite("SQLite rollups specifics")
struct SQLiteRollupTests {
    static let base = Timestamp(seconds: 1_764_000_000)

    static func point(minute: Int, value: Double = 1) -> MetricPoint {
        MetricPoint(metricName: "logins", timestamp: base.adding(seconds: Int64(minute * 60)), value: value)
    }

    @Test("a rollup run that fails part-way commits nothing: no bucket is ever half done")
    func failedRunCommitsNothing() async throws {
        try await TemporaryDirectory.with { directory in
            let path = directory.appendingPathComponent("atomic.sqlite").path
            let store = try SQLiteStore(path: path)
            _ = try await store.migrate()
            let org = OrganizationID.random()
            try await store.append([PointBatch(organization: org, points: (0..<200).map { Self.point(minute: $0) })])
            // The daily rows are written after the hourly ones, in the same transaction.
            try SQLiteStoreTests().runSQL(path, "CREATE TRIGGER fail_daily BEFORE INSERT ON daily_metrics BEGIN SELECT RAISE(ABORT, 'boom'); END;")
            await #expect(throws: StoreError.self) { try await store.rollUp(maxPoints: 1000) }
            let failed = try await store.rollupStatistics()
            #expect(failed == RollupStatistics(watermark: 0, pendingPoints: 200, hourlyBuckets: 0, dailyBuckets: 0))
            try SQLiteStoreTests().runSQL(path, "DROP TRIGGER fail_daily;")
            #expect(try await store.rollUp(maxPoints: 1000) == 200)
            let done = try await store.rollupStatistics()
            #expect(done.pendingPoints == 0 && done.hourlyBuckets == 4 && done.dailyBuckets == 1)
        }
    }

    @Test("retention keeps the newest row, so new points always get a sequence above the watermark")
    func sequencesKeepIncreasing() async throws {
        try await TemporaryDirectory.with { directory in
            let store = try SQLiteStore(path: directory.appendingPathComponent("ids.sqlite").path)
            _ = try await store.migrate()
            let org = OrganizationID.random()
            try await store.append([PointBatch(organization: org, points: [Self.point(minute: 0), Self.point(minute: 1)])])
            _ = try await store.rollUp(maxPoints: 10)
            // Both points are expired and rolled up, but the one with the highest id stays.
            #expect(try await store.expire(.raw, before: Self.base.adding(seconds: 3600), limit: 10) == 1)
            try await store.append([PointBatch(organization: org, points: [Self.point(minute: 2, value: 5)])])
            let sequences = try await store.points(PointQuery(metricName: "logins"), organization: org).points.map(\.sequence)
            #expect(sequences == [2, 3])
            #expect(try await store.rollUp(maxPoints: 10) == 1)
            let hour = try await store.rollups(metricName: "logins", resolution: .hour, from: nil, to: nil, limit: 1, organization: org)
            #expect(hour.first?.aggregate.count == 3 && hour.first?.aggregate.sum == 7)
        }
    }
}
