import ChurnGuardCore
import ChurnGuardStorage
import Foundation
import PostgresNIO
@testable import StoragePostgres
import Testing

/// Every statement carries the query budget to the server, so a heavy query stops there
/// too instead of running on after its caller was answered.
@Suite("PostgreSQL query budget", .enabled(if: TestDatabase.enabled, TestDatabase.skipNote))
struct PostgresQueryBudgetTests {
    @Test("transactions set statement_timeout to the query timeout; the server stops a statement past it")
    func serverSideBudget() async throws {
        try await TestDatabase.withFreshDatabase { _, options in
            var short = options
            short.queryTimeout = .seconds(3)
            let store = try PostgresStore.open(short, logger: TestDatabase.logger)
            let organization = OrganizationID.random()
            // Connecting (TLS) counts against the budget too; on a loaded machine the first
            // attempt may run out, so the setting is read once a connection is up.
            var setting = ""
            for attempt in 1...5 {
                do {
                    setting = try await store.transaction(.tenant(organization)) { connection, logger in
                        var value = ""
                        for try await text in try await connection.query("SHOW statement_timeout", logger: logger).decode(String.self) { value = text }
                        return value
                    }
                    break
                } catch where attempt < 5 {
                    continue
                }
            }
            #expect(setting == "3s")
            let marker = "budget_probe_\(UInt32.random(in: 0...UInt32.max))"
            await #expect(throws: StoreError.self) {
                try await store.transaction(.tenant(organization)) { connection, logger in
                    try await connection.query(PostgresQuery(unsafeSQL: "SELECT pg_sleep(120) /* \(marker) */"), logger: logger)
                }
            }
            try await Task.sleep(for: .seconds(2))
            let observer = try PostgresStore.open(options, logger: TestDatabase.logger)
            let running = try await observer.transaction(.schema) { connection, logger in
                var count = 0
                let rows = try await connection.query(PostgresQuery(unsafeSQL: """
                    SELECT count(*)::INT8 FROM pg_stat_activity WHERE state = 'active' AND query LIKE '%\(marker)%' AND query NOT LIKE '%pg_stat_activity%'
                    """), logger: logger)
                for try await value in rows.decode(Int64.self) { count = Int(value) }
                return count
            }
            #expect(running == 0, "the server stopped the statement at its budget")
            await observer.shutdown()
            await store.shutdown()
        }
    }

    @Test("a value the server refuses as out of range is the request's fault, not an outage")
    func dataExceptionIsInvalidRequest() async throws {
        try await TestDatabase.withFreshDatabase { store, _ in
            await #expect {
                try await store.transaction(.tenant(.random())) { connection, logger in
                    try await connection.query("SELECT to_timestamp(\(Double(9e18)))", logger: logger)
                }
            } throws: { error in
                guard case .invalidRequest = error as? StoreError else { return false }
                return true
            }
        }
    }
}
