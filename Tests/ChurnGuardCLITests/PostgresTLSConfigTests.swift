import Foundation
import Testing

/// `database.timescaledb.ssl_mode` and `ssl_root_cert` (the keys used without a URL), through
/// the real binary: bad values stop start-up with one line naming the key; good ones reach the
/// test server over verified TLS.
@Suite("PostgreSQL TLS configuration keys")
struct PostgresTLSConfigTests {
    /// Backend postgres, no URL (so the keys apply), short timeouts.
    private let postgres = ["ANALYTICS_DB_BACKEND": "postgres", "TIMESCALEDB_URL": "", "DATABASE_TIMESCALEDB_URL": "",
                            "DATABASE_CONNECTION_TIMEOUT": "3", "DATABASE_QUERY_TIMEOUT": "3"]

    @Test("an unknown ssl_mode and an unreadable ssl_root_cert are configuration errors")
    func badValues() async throws {
        try await CLIHarness.with { cli in
            let mode = try await cli.run(["migrate", "--status"], environment: postgres.merging(
                ["DATABASE_TIMESCALEDB_SSL_MODE": "verify_full"]) { $1 })
            #expect(mode.status != 0)
            #expect(mode.stderr.contains("DATABASE_TIMESCALEDB_SSL_MODE") && mode.stderr.contains("database.timescaledb.ssl_mode"))
            #expect(mode.stderr.contains("verify-full") && mode.stderr.contains("verify_full"), "\(mode.stderr)")

            let missing = cli.directory.appendingPathComponent("no-such-ca.pem").path
            let root = try await cli.run(["migrate", "--status"], environment: postgres.merging(
                ["DATABASE_TIMESCALEDB_SSL_MODE": "verify-full", "DATABASE_TIMESCALEDB_SSL_ROOT_CERT": missing]) { $1 })
            #expect(root.status != 0)
            #expect(root.stderr.contains("database.timescaledb.ssl_root_cert") && root.stderr.contains(missing), "\(root.stderr)")
            #expect(root.stderr.contains("does not exist"))
            #expect(root.stderr.split(separator: "\n").count == 1, "\(root.stderr)")

            let url = try await cli.run(["migrate", "--status"], environment: postgres.merging(
                ["TIMESCALEDB_URL": "postgresql://u:secret@localhost/db?sslmode=verify-full&sslrootcert=\(missing)"]) { $1 })
            #expect(url.status != 0)
            #expect(url.stderr.contains("database.timescaledb.url") && url.stderr.contains(missing), "\(url.stderr)")
            #expect(!url.stderr.contains("secret"))
        }
    }

    static let environment = ProcessInfo.processInfo.environment
    static let enabled = (environment["CHURNGUARD_TEST_POSTGRES_URL"] != nil && environment["CHURNGUARD_TEST_POSTGRES_CA"] != nil)
        || environment["CI"] == "true"

    @Test("verify-full with ssl_root_cert reaches the test server; another CA does not",
          .enabled(if: enabled, "set CHURNGUARD_TEST_POSTGRES_URL and _CA (scripts/test does) to run"))
    func realServer() async throws {
        let url = try #require(Self.environment["CHURNGUARD_TEST_POSTGRES_URL"].flatMap(URLComponents.init(string:)))
        let ca = try #require(Self.environment["CHURNGUARD_TEST_POSTGRES_CA"])
        let other = try #require(Self.environment["CHURNGUARD_TEST_POSTGRES_OTHER_CA"])
        var keys = postgres.merging([
            "DATABASE_TIMESCALEDB_HOST": "localhost", "DATABASE_TIMESCALEDB_PORT": "\(url.port ?? 5432)",
            "DATABASE_TIMESCALEDB_USERNAME": url.user ?? "", "DATABASE_TIMESCALEDB_PASSWORD": url.password ?? "",
            "DATABASE_TIMESCALEDB_DATABASE": String(url.path.dropFirst()),
            "DATABASE_TIMESCALEDB_SSL_MODE": "verify-full", "DATABASE_TIMESCALEDB_SSL_ROOT_CERT": ca,
        ]) { $1 }
        keys["DATABASE_QUERY_TIMEOUT"] = "30"
        try await CLIHarness.with { cli in
            let good = try await cli.run(["migrate", "--status"], environment: keys)
            #expect(good.status == 0, "\(good.stderr)")
            #expect(good.stdout.contains("database version"), "\(good.stdout)")

            keys["DATABASE_TIMESCALEDB_SSL_ROOT_CERT"] = other
            keys["DATABASE_QUERY_TIMEOUT"] = "3"
            let bad = try await cli.run(["migrate", "--status"], environment: keys)
            #expect(bad.status != 0)
            #expect(!bad.stdout.contains("database version"))
        }
    }
}
