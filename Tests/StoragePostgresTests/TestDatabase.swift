import Foundation
import Logging
@testable import StoragePostgres
import StoragePostgresTesting
import Testing

/// The PostgreSQL the tests run against (see ``TemporaryPostgresDatabase``): skipped outside
/// CI when `CHURNGUARD_TEST_POSTGRES_URL` is unset; under `CI=true` they run and fail.
enum TestDatabase {
    static let url = TemporaryPostgresDatabase.serverURL
    static let isCI = TemporaryPostgresDatabase.isCI
    /// Whether the PostgreSQL tests run (and then fail when there is no server).
    static let enabled = TemporaryPostgresDatabase.enabled
    static let skipNote: Comment = "set CHURNGUARD_TEST_POSTGRES_URL (scripts/test does) to run the PostgreSQL tests"
    /// The CA that signed the test server's certificate, and one that signed nothing
    /// (`scripts/lib/postgres.sh` makes both and turns TLS on).
    static let caPath = ProcessInfo.processInfo.environment["CHURNGUARD_TEST_POSTGRES_CA"].flatMap { $0.isEmpty ? nil : $0 }
    static let otherCAPath = ProcessInfo.processInfo.environment["CHURNGUARD_TEST_POSTGRES_OTHER_CA"].flatMap { $0.isEmpty ? nil : $0 }
    /// Whether the TLS tests run: a server with TLS is known, or CI (then they fail without one).
    static let tlsEnabled = (url != nil && caPath != nil && otherCAPath != nil) || isCI
    static let tlsSkipNote: Comment = "set CHURNGUARD_TEST_POSTGRES_URL and _CA, _OTHER_CA (scripts/test does) to run the TLS tests"

    static var logger: Logger { TemporaryPostgresDatabase.logger }

    /// Options for the base database named in the URL.
    static func baseOptions() throws -> PostgresStoreOptions {
        try TemporaryPostgresDatabase.baseOptions()
    }

    /// Runs `body` with a store on a new, empty database (not migrated), dropped afterwards.
    static func withFreshDatabase<T: Sendable>(_ body: (PostgresStore, PostgresStoreOptions) async throws -> T) async throws -> T {
        try await TemporaryPostgresDatabase.with(body)
    }
}
