import ChurnGuardCore
import ChurnGuardStorage
import Foundation
import StoragePostgres
import Testing

@Suite("PostgreSQL append", .enabled(if: TestDatabase.enabled, TestDatabase.skipNote))
struct PostgresAppendTests {
    @Test("the batches of one append commit together: one bad batch stores nothing of any")
    func allOrNothing() async throws {
        try await TestDatabase.withFreshDatabase { store, _ in
            _ = try await store.migrate()
            let a = OrganizationID.random()
            let b = OrganizationID.random()
            let good = MetricPoint(metricName: "logins", timestamp: Timestamp(seconds: 1_764_000_000), value: 1, tags: [:], metadataJSON: nil)
            var bad = good
            bad.metadataJSON = "{not json"
            await #expect(throws: StoreError.self) {
                try await store.append([PointBatch(organization: a, points: [good]), PointBatch(organization: b, points: [bad])])
            }
            let storedForA = try await store.points(PointQuery(metricName: "logins"), organization: a).points
            #expect(storedForA.isEmpty)
            #expect(try await store.metrics(organization: a).isEmpty)
        }
    }
}
