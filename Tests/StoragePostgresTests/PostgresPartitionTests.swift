import ChurnGuardCore
import ChurnGuardStorage
import Foundation
import PostgresNIO
@testable import StoragePostgres
import Testing

/// Weekly partitions on plain PostgreSQL: created ahead by the worker, and dropped whole by
/// raw retention once expired and rolled up, with the catalog kept exact.
@Suite("PostgreSQL partitions", .enabled(if: TestDatabase.enabled, TestDatabase.skipNote))
struct PostgresPartitionTests {
    static let organization = OrganizationID.random()

    static func point(_ date: Date, value: Double) -> MetricPoint {
        MetricPoint(metricName: "logins", timestamp: Timestamp(date), value: value, tags: [:], metadataJSON: nil)
    }

    /// How many points each partition holds, read in the system scope.
    static func partitions(_ store: PostgresStore) async throws -> [String: Int] {
        try await store.transaction(.system) { connection, logger in
            let rows = try await connection.query(
                "SELECT tableoid::regclass::TEXT, count(*)::INT8 FROM time_series_data GROUP BY 1", logger: logger)
            var counts: [String: Int] = [:]
            for try await (name, count) in rows.decode((String, Int64).self) { counts[name] = Int(count) }
            return counts
        }
    }

    static func exists(_ store: PostgresStore, _ table: String) async throws -> Bool {
        try await store.transaction(.schema) { connection, logger in
            let rows = try await connection.query("SELECT to_regclass(\(table)) IS NOT NULL", logger: logger)
            for try await flag in rows.decode(Bool.self) { return flag }
            return false
        }
    }

    /// The partition name of the week (Monday, UTC) containing `date`.
    static func weekPartition(_ date: Date) -> String {
        var calendar = Calendar(identifier: .iso8601)
        calendar.timeZone = TimeZone(identifier: "UTC") ?? .gmt
        let monday = calendar.dateInterval(of: .weekOfYear, for: date)?.start ?? date
        let parts = calendar.dateComponents([.year, .month, .day], from: monday)
        return String(format: "time_series_data_%04d%02d%02d", parts.year ?? 0, parts.month ?? 0, parts.day ?? 0)
    }

    @Test("the coming weeks' partitions are created ahead, once, and new points land in them")
    func createdAhead() async throws {
        try await TestDatabase.withFreshDatabase { store, _ in
            _ = try await store.migrate()
            let future = Date().addingTimeInterval(200 * 86_400)
            let created = try await store.prepareStorage(around: future)
            #expect(created >= 8 && created <= 9, "created \(created)")
            #expect(try await store.prepareStorage(around: future) == 0)
            try await store.append([PointBatch(organization: Self.organization, points: [Self.point(future, value: 1)])])
            #expect(try await Self.partitions(store) == [Self.weekPartition(future): 1])
        }
    }

    @Test("expired, rolled-up partitions are dropped whole; the catalog stays exact")
    func droppedWhole() async throws {
        try await TestDatabase.withFreshDatabase { store, _ in
            _ = try await store.migrate()
            let now = Date()
            let old = now.addingTimeInterval(-70 * 86_400)
            try await store.ensurePartitions(from: old, to: old.addingTimeInterval(86_400))
            let oldPartition = Self.weekPartition(old)
            #expect(try await Self.exists(store, oldPartition))
            let oldPoints = (0..<50).map { Self.point(old.addingTimeInterval(Double($0) * 60), value: Double($0)) }
            let recent = now.addingTimeInterval(-86_400)
            let recentPoints = (0..<5).map { Self.point(recent.addingTimeInterval(Double($0) * 60), value: 100 + Double($0)) }
            try await store.append([PointBatch(organization: Self.organization, points: oldPoints + recentPoints)])
            let cutoff = Timestamp(now.addingTimeInterval(-7 * 86_400))

            // Not rolled up yet: nothing may go, the partition stays.
            #expect(try await store.expire(.raw, before: cutoff, limit: 1000) == 0)
            #expect(try await Self.exists(store, oldPartition))

            #expect(try await store.rollUp(maxPoints: 10_000) == 55)
            #expect(try await store.expire(.raw, before: cutoff, limit: 1000) == 50)
            #expect(try await !Self.exists(store, oldPartition))
            #expect(try await Self.partitions(store) == [Self.weekPartition(recent): 5])
            let summary = try #require(try await store.metrics(organization: Self.organization).first)
            #expect(summary.points == 5)
            #expect(summary.firstTimestamp == recentPoints[0].timestamp)
            // The rollups keep the dropped week's buckets.
            let hourly = try await store.rollups(metricName: "logins", resolution: .hour, from: nil, to: cutoff,
                                                 limit: 100, organization: Self.organization)
            #expect(hourly.reduce(0) { $0 + $1.aggregate.count } == 50)
        }
    }
}
