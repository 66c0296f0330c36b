import ChurnGuardCore
import ChurnGuardStorage
import Foundation
@testable import StorageSQLite
import Testing

/// Regression tests for SQLite: reads without a time limit, database files readable by every
/// local user, backend refusals of client input reported as outages.
@Suite("SQLite hardening")
struct SQLiteHardeningTests {
    @Test("a read past its time budget is interrupted and reported as a timeout; the connection stays usable")
    func queryBudget() async throws {
        try await TemporaryDirectory.with { directory in
            let store = try SQLiteStore(path: directory.appendingPathComponent("budget.sqlite").path, queryTimeout: .milliseconds(50))
            _ = try await store.migrate()
            let started = ContinuousClock.now
            await #expect {
                // Never ends on its own.
                _ = try await store.read { db in
                    try Int.fetchOne(db, sql: "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c) SELECT count(*) FROM c")
                }
            } throws: { error in
                guard case .timedOut = error as? StoreError else { return false }
                return true
            }
            // A liveness bound, not a timing goal: the statement never ends by itself, so any
            // answer means it was interrupted. The interrupting timer is a task, late when the
            // parallel test run keeps both cores busy (5.1 s and 8.9 s seen there), hence 30 s.
            #expect(ContinuousClock.now - started < .seconds(30))
            for _ in 0..<8 {
                #expect(try await store.read { db in try Int.fetchOne(db, sql: "SELECT 41 + 1") } == 42, "every pooled reader works after")
            }
            #expect(try await store.points(PointQuery(metricName: "m"), organization: .random()).points.isEmpty)
        }
    }

    @Test("a statement SQLite refuses as too complex is the request's fault, not an outage")
    func tooComplexIsInvalid() async throws {
        try await TemporaryDirectory.with { directory in
            let store = try SQLiteStore(path: directory.appendingPathComponent("complex.sqlite").path)
            let huge = "SELECT 1 WHERE " + Array(repeating: "1 = 1", count: 3000).joined(separator: " AND ")
            await #expect {
                _ = try await store.read { db in try Int.fetchOne(db, sql: huge) }
            } throws: { error in
                guard case .invalidRequest = error as? StoreError else { return false }
                return true
            }
        }
    }

    @Test("a new database and its WAL and shared-memory files are readable by the owner only")
    func privateFiles() async throws {
        try await TemporaryDirectory.with { directory in
            let nested = directory.appendingPathComponent("data")
            let path = nested.appendingPathComponent("tenants.sqlite").path
            let previous = umask(0o022)
            defer { umask(previous) }
            let store = try SQLiteStore(path: path)
            _ = try await store.migrate()
            try await store.append([PointBatch(organization: .random(), points: [
                MetricPoint(metricName: "logins", timestamp: Timestamp(seconds: 1_764_000_000), value: 1),
            ])])
            for file in [path, path + "-wal", path + "-shm"] {
                let attributes = try FileManager.default.attributesOfItem(atPath: file)
                let mode = try #require(attributes[.posixPermissions] as? NSNumber).intValue
                #expect(mode & 0o077 == 0, "\(file) has mode \(String(mode, radix: 8))")
            }
            let folder = try FileManager.default.attributesOfItem(atPath: nested.path)
            #expect(try #require(folder[.posixPermissions] as? NSNumber).intValue & 0o077 == 0, "a created data folder is private too")
        }
    }
}
