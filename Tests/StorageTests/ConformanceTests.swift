import ChurnGuardStorage
import Foundation
import StorageSQLite
import StorageTesting
import Testing

@Suite("Store conformance")
struct ConformanceTests {
    @Test("in-memory store", arguments: StoreConformance.cases)
    func inMemory(_ conformanceCase: StoreConformance.Case) async throws {
        try await conformanceCase.run(InMemoryStore())
    }

    @Test("SQLite store", arguments: StoreConformance.cases)
    func sqlite(_ conformanceCase: StoreConformance.Case) async throws {
        try await TemporaryDirectory.with { directory in
            let store = try SQLiteStore(path: directory.appendingPathComponent("test.sqlite").path)
            _ = try await store.migrate()
            try await conformanceCase.run(store)
        }
    }
}

/// A folder under the system temporary directory, removed afterwards.
enum TemporaryDirectory {
    static func with<T>(_ body: (URL) async throws -> T) async throws -> T {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("churnguard-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: url) }
        return try await body(url)
    }
}
