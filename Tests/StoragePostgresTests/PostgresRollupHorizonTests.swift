import ChurnGuardCore
import ChurnGuardStorage
import Foundation
import PostgresNIO
@testable import StoragePostgres
import Testing

/// PostgreSQL hands out sequences before commit: a rollup must never fold past a point whose
/// append is still uncommitted, or that point would be behind the watermark for ever.
@Suite("PostgreSQL rollup horizon", .enabled(if: TestDatabase.enabled, TestDatabase.skipNote))
struct PostgresRollupHorizonTests {
    @Test("a point committed after a later one is still folded in, exactly once")
    func lateCommitIsNotSkipped() async throws {
        try await TestDatabase.withFreshDatabase { store, _ in
            _ = try await store.migrate()
            let org = OrganizationID.random()
            let (inserted, insertedSignal) = AsyncStream.makeStream(of: Void.self)
            let (release, releaseSignal) = AsyncStream.makeStream(of: Void.self)
            // An append that takes the lower sequence and then stays open, as a slow commit would.
            let slowAppend = Task {
                try await store.transaction(.tenant(org)) { connection, logger in
                    try await connection.query("SELECT pg_advisory_xact_lock_shared(\(PostgresStore.sequenceLockKey))", logger: logger)
                    try await connection.query("""
                        INSERT INTO time_series_data (timestamp, metric_name, organization_id, value)
                        VALUES (to_timestamp(1794218400), 'logins', \(org.uuid), 1)
                        """, logger: logger)
                    insertedSignal.yield()
                    for await _ in release { break }
                }
            }
            for await _ in inserted { break }
            try await store.append([PointBatch(organization: org, points: [
                MetricPoint(metricName: "logins", timestamp: Timestamp(seconds: 1_794_218_400), value: 2),
            ])])
            // The rollup starts while the lower sequence is uncommitted; it may only fold it in
            // once committed, never skip it.
            let rollup = Task { try await store.rollUp(maxPoints: 100) }
            try await Task.sleep(for: .milliseconds(300))
            releaseSignal.yield()
            try await slowAppend.value
            var folded = try await rollup.value
            while true {
                let more = try await store.rollUp(maxPoints: 100)
                if more == 0 { break }
                folded += more
            }
            #expect(folded == 2)
            let statistics = try await store.rollupStatistics()
            #expect(statistics.pendingPoints == 0)
            let days = try await store.rollups(metricName: "logins", resolution: .day, from: nil, to: nil, limit: 10, organization: org)
            #expect(days.map(\.aggregate.count) == [2])
        }
    }
}
