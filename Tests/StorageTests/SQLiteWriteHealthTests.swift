import ChurnGuardCore
import ChurnGuardStorage
import Foundation
import GRDB
@testable import StorageSQLite
import Testing

/// The SQLite store's write state: a full disk refuses one write and clears when a write
/// succeeds; an I/O error refuses every write and readiness until the process restarts.
/// (A real full disk is exercised by `scripts/disk-full-test` on a size-limited tmpfs.)
@Suite("SQLite write health")
struct SQLiteWriteHealthTests {
    static func store() throws -> (SQLiteStore, URL) {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("churnguard-health-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        return (try SQLiteStore(path: directory.appendingPathComponent("health.sqlite").path), directory)
    }

    static func batch(_ organization: OrganizationID) -> PointBatch {
        PointBatch(organization: organization, points: [MetricPoint(metricName: "logins", timestamp: Timestamp(seconds: 1_764_000_000),
                                                                    value: 1, tags: ["customer_id": "c-1"])])
    }

    @Test("a full disk is storage_full, certain not stored; the next successful write clears it")
    func full() {
        let health = WriteHealth()
        let error = health.record(DatabaseError(resultCode: .SQLITE_FULL, message: "database or disk is full"))
        #expect(error == .storageFull("SQLite: database or disk is full"))
        #expect(health.current == .full("database or disk is full"))
        #expect(throws: Never.self) { try health.checkWritable() }
        health.succeeded()
        #expect(health.current == .healthy)
    }

    @Test("an fsync error poisons the store: every later write and readiness fail until restart, reads go on")
    func ioErrorPoisons() async throws {
        let (store, directory) = try Self.store()
        defer { try? FileManager.default.removeItem(at: directory) }
        _ = try await store.migrate()
        let organization = OrganizationID.random()
        _ = try await store.append([Self.batch(organization)])
        let error = store.writeHealth.record(DatabaseError(resultCode: .SQLITE_IOERR_FSYNC, message: "disk I/O error"))
        guard case .storageFailed = error else { Issue.record("an fsync error is storage_failed, got \(error)"); return }
        await #expect(throws: StoreError.self) { try await store.append([Self.batch(organization)]) }
        do {
            try await store.checkReady()
            Issue.record("ready after an I/O error")
        } catch let error as StoreError {
            guard case .storageFailed = error else { Issue.record("readiness said \(error)"); return }
        }
        let page = try await store.points(PointQuery(metricName: "logins", limit: 10), organization: organization)
        #expect(page.points.count == 1, "reads still answer")
        store.writeHealth.succeeded()
        #expect(throws: StoreError.self) { try store.writeHealth.checkWritable() }
        // A new process (a new store on the same file) writes again.
        let restarted = try SQLiteStore(path: directory.appendingPathComponent("health.sqlite").path)
        _ = try await restarted.append([Self.batch(organization)])
        try await restarted.checkReady()
    }

    @Test("readiness after a full disk: not ready while free space is short, ready once a probe write commits")
    func readinessProbe() async throws {
        let (store, directory) = try Self.store()
        defer { try? FileManager.default.removeItem(at: directory) }
        _ = try await store.migrate()
        _ = store.writeHealth.record(DatabaseError(resultCode: .SQLITE_FULL, message: "database or disk is full"))
        // The test's file system has room (the harness covers a short one): the probe commits.
        let free = try #require(store.freeBytes())
        #expect(free >= SQLiteStore.readyFreeBytes, "the test machine's temporary directory has \(free) bytes free")
        try await store.checkReady()
        #expect(store.writeHealth.current == .healthy)
    }
}
