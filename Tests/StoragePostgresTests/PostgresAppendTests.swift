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

    @Test("tags and metadata with backslashes, tabs, newlines and carriage returns come back byte for byte")
    func controlCharacters() async throws {
        try await TestDatabase.withFreshDatabase { store, _ in
            _ = try await store.migrate()
            let organization = OrganizationID.random()
            let base = Timestamp(seconds: 1_764_000_000)
            let metadata = [
                "{\"path\":\"C:\\\\temp\\\\N\",\n\t\"tab\":\"a\\tb\"\r\n}",
                "{ \"b\" : 1 ,\t\"a\":[2, 3]\n}",
                #"{"literal":"\\N"}"#,
            ]
            var points = metadata.enumerated().map { index, text in
                MetricPoint(metricName: "logins", timestamp: base.adding(seconds: Int64(index)), value: Double(index) + 0.1,
                            tags: ["note": "tab\there\nnewline\rcr \\ backslash \\N", "k\te\ny": "ü"], metadataJSON: text)
            }
            points.append(MetricPoint(metricName: "logins", timestamp: base.adding(seconds: 9), value: -1e-300, tags: [:], metadataJSON: nil))
            try await store.append([PointBatch(organization: organization, points: points)])
            let read = try await store.points(PointQuery(metricName: "logins"), organization: organization).points.map(\.point)
            #expect(read == points)
        }
    }
}
