import ChurnGuardStorage
import StoragePostgres
import StorageTesting
import Testing

@Suite("PostgreSQL store conformance", .enabled(if: TestDatabase.enabled, TestDatabase.skipNote))
struct PostgresConformanceTests {
    @Test("PostgreSQL store", arguments: StoreConformance.cases)
    func postgres(_ conformanceCase: StoreConformance.Case) async throws {
        try await TestDatabase.withFreshDatabase { store, _ in
            _ = try await store.migrate()
            try await conformanceCase.run(store)
        }
    }
}
