import ChurnGuardStorage
import Foundation
import Logging
import PostgresNIO
@testable import StoragePostgres
import Testing

/// The PostgreSQL the tests run against: `CHURNGUARD_TEST_POSTGRES_URL`, an ordinary role
/// (not a superuser, with CREATEDB) that `scripts/test` creates. Outside CI the tests are
/// skipped when it is unset; under `CI=true` they run and fail.
enum TestDatabase {
    static let url = ProcessInfo.processInfo.environment["CHURNGUARD_TEST_POSTGRES_URL"].flatMap { $0.isEmpty ? nil : $0 }
    static let isCI = ProcessInfo.processInfo.environment["CI"] == "true"
    /// Whether the PostgreSQL tests run (and then fail when there is no server).
    static let enabled = url != nil || isCI
    static let skipNote: Comment = "set CHURNGUARD_TEST_POSTGRES_URL (scripts/test does) to run the PostgreSQL tests"
    /// The CA that signed the test server's certificate, and one that signed nothing
    /// (`scripts/lib/postgres.sh` makes both and turns TLS on).
    static let caPath = ProcessInfo.processInfo.environment["CHURNGUARD_TEST_POSTGRES_CA"].flatMap { $0.isEmpty ? nil : $0 }
    static let otherCAPath = ProcessInfo.processInfo.environment["CHURNGUARD_TEST_POSTGRES_OTHER_CA"].flatMap { $0.isEmpty ? nil : $0 }
    /// Whether the TLS tests run: a server with TLS is known, or CI (then they fail without one).
    static let tlsEnabled = (url != nil && caPath != nil && otherCAPath != nil) || isCI
    static let tlsSkipNote: Comment = "set CHURNGUARD_TEST_POSTGRES_URL and _CA, _OTHER_CA (scripts/test does) to run the TLS tests"

    static var logger: Logger {
        var logger = Logger(label: "postgres-tests")
        logger.logLevel = .error
        return logger
    }

    /// Options for the base database named in the URL.
    static func baseOptions() throws -> PostgresStoreOptions {
        let url = try #require(url, "CI=true but CHURNGUARD_TEST_POSTGRES_URL is unset: PostgreSQL tests cannot run")
        var options = try PostgresStoreOptions(url: url)
        options.maximumConnections = 2
        options.queryTimeout = .seconds(30)
        return options
    }

    /// Runs `body` with a store on a new, empty database (not migrated), dropped afterwards.
    static func withFreshDatabase<T: Sendable>(_ body: (PostgresStore, PostgresStoreOptions) async throws -> T) async throws -> T {
        let base = try baseOptions()
        let name = "cg_test_" + UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "")
        // The name is built from hex digits and underscores only, so quoting it is safe.
        try await admin(base, PostgresQuery(unsafeSQL: "CREATE DATABASE \"\(name)\""))
        var options = base
        options.database = name
        let store = try PostgresStore.open(options, logger: logger)
        do {
            let result = try await body(store, options)
            await store.shutdown()
            try await admin(base, PostgresQuery(unsafeSQL: "DROP DATABASE \"\(name)\" WITH (FORCE)"))
            return result
        } catch {
            await store.shutdown()
            try? await admin(base, PostgresQuery(unsafeSQL: "DROP DATABASE \"\(name)\" WITH (FORCE)"))
            throw error
        }
    }

    /// Runs one statement on the base database with a short-lived connection.
    static func admin(_ options: PostgresStoreOptions, _ query: PostgresQuery) async throws {
        let connection = try await PostgresConnection.connect(
            configuration: PostgresConnection.Configuration(
                host: options.host, port: options.port, username: options.username, password: options.password,
                database: options.database, tls: .disable),
            id: 1, logger: logger)
        do {
            try await connection.query(query, logger: logger)
            try await connection.close()
        } catch {
            try? await connection.close()
            throw error
        }
    }
}
