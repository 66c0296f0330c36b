import ChurnGuardStorage
import Foundation
import PostgresNIO
@testable import StoragePostgres
import Testing

@Suite("PostgreSQL migrations", .enabled(if: TestDatabase.enabled, TestDatabase.skipNote))
struct PostgresMigrationTests {
    @Test("an unmigrated database is not ready and says what to run")
    func unmigratedIsRefused() async throws {
        try await TestDatabase.withFreshDatabase { store, _ in
            do {
                try await store.checkReady()
                Issue.record("checkReady passed on an empty database")
            } catch let error as StoreError {
                #expect(error.description.contains("churnguard migrate"), "\(error)")
            }
        }
    }

    @Test("two processes migrating at once apply each migration exactly once")
    func concurrentMigrations() async throws {
        try await TestDatabase.withFreshDatabase { store, options in
            let other = try PostgresStore.open(options, logger: TestDatabase.logger)
            async let first = store.migrate()
            async let second = other.migrate()
            let applied = try await first + second
            await other.shutdown()
            #expect(applied.count == PostgresMigrations.all(for: .partitions).count, "\(applied)")
            // The two processes share the work in any order: the newest version is among what
            // either applied, whichever that was.
            let versions = applied.compactMap { Int($0.prefix { $0 != ":" }) }
            #expect(versions.max() == PostgresMigrations.latestVersion, "\(applied)")
            #expect(Set(versions).count == versions.count, "a migration applied twice: \(applied)")
            try await store.checkReady()
            #expect(try await store.migrate().isEmpty)
            let status = try await store.migrationStatus()
            #expect(status.isCurrent && status.backend.contains("partitioning"), "\(status)")
        }
    }

    @Test("a schema newer than this build is refused")
    func newerSchemaIsRefused() async throws {
        try await TestDatabase.withFreshDatabase { store, _ in
            _ = try await store.migrate()
            try await store.client.withConnection { connection in
                _ = try await connection.query("INSERT INTO schema_migrations (version, name) VALUES (999, 'future')",
                                           logger: TestDatabase.logger)
            }
            await #expect(throws: StoreError.self) { try await store.checkReady() }
            await #expect(throws: StoreError.self) { try await store.migrate() }
        }
    }
}

@Suite("PostgreSQL URL")
struct PostgresURLTests {
    @Test("a URL gives host, port, role, password and database")
    func parses() throws {
        let options = try PostgresStoreOptions(url: "postgresql://user:p%40ss@db.example:6543/analytics?sslmode=disable")
        #expect(options.host == "db.example" && options.port == 6543 && options.username == "user")
        #expect(options.password == "p@ss" && options.database == "analytics")
    }

    @Test("bad URLs are refused without echoing the password", arguments: [
        "mysql://u:secret@h/db", "postgresql://u:secret@h", "postgresql://u:secret@h/db?sslmode=required", "postgresql://h/db",
    ])
    func refuses(_ url: String) {
        do {
            _ = try PostgresStoreOptions(url: url)
            Issue.record("accepted \(url)")
        } catch {
            #expect(!"\(error)".contains("secret"))
        }
    }
}
