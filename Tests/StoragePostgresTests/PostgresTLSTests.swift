import ChurnGuardStorage
import Foundation
import PostgresNIO
@testable import StoragePostgres
import Testing

/// TLS against the real test server (`ssl=on`, certificate for `localhost` and 127.0.0.1
/// signed by a throwaway CA): each `sslmode` gives the session it promises, and a certificate
/// that does not verify fails as unavailable within the query timeout.
@Suite("PostgreSQL TLS", .enabled(if: TestDatabase.tlsEnabled, TestDatabase.tlsSkipNote))
struct PostgresTLSTests {
    /// The base options with `mode`, `rootCertificate` and `host`.
    private func options(_ mode: PostgresTLSMode, root rootCertificate: String?, host: String? = nil,
                         timeout: Duration = .seconds(30)) throws -> PostgresStoreOptions {
        var options = try TestDatabase.baseOptions()
        options.tlsMode = mode
        options.rootCertificatePath = rootCertificate
        if let host { options.host = host }
        options.connectTimeout = .seconds(5)
        options.queryTimeout = timeout
        return options
    }

    private func ca() throws -> String {
        try #require(TestDatabase.caPath, "CI=true but CHURNGUARD_TEST_POSTGRES_CA is unset: the TLS tests cannot run")
    }

    private func otherCA() throws -> String {
        try #require(TestDatabase.otherCAPath, "CI=true but CHURNGUARD_TEST_POSTGRES_OTHER_CA is unset")
    }

    /// Whether the session the store connects with is encrypted, as the server sees it.
    private func sessionIsEncrypted(_ options: PostgresStoreOptions) async throws -> Bool {
        let store = try PostgresStore.open(options, logger: TestDatabase.logger)
        let values: [Bool]
        do {
            values = try await store.transaction(.schema) { connection, logger in
                let rows = try await connection.query("SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()", logger: logger)
                var values: [Bool] = []
                for try await value in rows.decode(Bool.self) { values.append(value) }
                return values
            }
        } catch {
            await store.shutdown()
            throw error
        }
        await store.shutdown()
        return try #require(values.first as Bool?, "pg_stat_ssl has no row for this session")
    }

    /// Expects the connection to fail as ``StoreError/unavailable(_:)``, well before a hang.
    private func expectUnavailable(_ options: PostgresStoreOptions, sourceLocation: SourceLocation = #_sourceLocation) async throws {
        let started = ContinuousClock.now
        do {
            let encrypted = try await sessionIsEncrypted(options)
            Issue.record("connected (ssl=\(encrypted)) with \(options.tlsMode.rawValue), root \(options.rootCertificatePath ?? "none")",
                         sourceLocation: sourceLocation)
        } catch let error as StoreError {
            guard case .unavailable = error else {
                Issue.record("expected unavailable, got \(error)", sourceLocation: sourceLocation)
                return
            }
        }
        // The query timeout is 3 s; the bound is loose for a runner starved of CPU.
        let elapsed = ContinuousClock.now - started
        #expect(elapsed < .seconds(60), "took \(elapsed)", sourceLocation: sourceLocation)
    }

    @Test("sslmode=require encrypts the session (no certificate check)")
    func requireEncrypts() async throws {
        #expect(try await sessionIsEncrypted(try options(.require, root: nil)))
        // As libpq: require with a root certificate verifies the chain, not the host name.
        #expect(try await sessionIsEncrypted(try options(.require, root: try ca(), host: "127.0.0.1")))
    }

    @Test("sslmode=prefer (the default) and allow encrypt when the server offers TLS")
    func preferEncrypts() async throws {
        let url = try #require(TestDatabase.url)
        #expect(try PostgresStoreOptions(url: url).tlsMode == .prefer)
        #expect(try await sessionIsEncrypted(try options(.prefer, root: nil)))
        #expect(try await sessionIsEncrypted(try options(.allow, root: nil)))
    }

    @Test("sslmode=disable gives a plain session")
    func disableIsPlain() async throws {
        #expect(try await sessionIsEncrypted(try options(.disable, root: nil)) == false)
    }

    @Test("verify-full with the test CA and host localhost")
    func verifyFullLocalhost() async throws {
        #expect(try await sessionIsEncrypted(try options(.verifyFull, root: try ca(), host: "localhost")))
    }

    @Test("verify-full with host 127.0.0.1 works: the certificate names that IP address")
    func verifyFullIPAddress() async throws {
        #expect(try await sessionIsEncrypted(try options(.verifyFull, root: try ca(), host: "127.0.0.1")))
    }

    @Test("verify-ca checks the chain but not the host name")
    func verifyCA() async throws {
        #expect(try await sessionIsEncrypted(try options(.verifyCA, root: try ca(), host: "127.0.0.1")))
    }

    @Test("a certificate from another CA fails as unavailable with verify-ca, verify-full and require+root",
          arguments: [PostgresTLSMode.verifyCA, .verifyFull, .require])
    func wrongCA(_ mode: PostgresTLSMode) async throws {
        try await expectUnavailable(try options(mode, root: try otherCA(), host: "localhost", timeout: .seconds(3)))
    }

    @Test("verify-full without a root certificate uses the system store, which does not know the test CA")
    func systemTrustStore() async throws {
        try await expectUnavailable(try options(.verifyFull, root: nil, host: "localhost", timeout: .seconds(3)))
    }
}

/// `sslmode` and `sslrootcert` in the URL, and the root certificate file; no server needed.
@Suite("PostgreSQL TLS options")
struct PostgresTLSOptionsTests {
    private let base = "postgresql://u:secret@db.example:5432/analytics"

    @Test("every libpq sslmode is accepted", arguments: PostgresTLSMode.allCases)
    func modes(_ mode: PostgresTLSMode) throws {
        let options = try PostgresStoreOptions(url: "\(base)?sslmode=\(mode.rawValue)")
        #expect(options.tlsMode == mode)
        #expect(options.rootCertificatePath == nil)
    }

    @Test("without sslmode the mode is prefer, as in libpq")
    func defaultMode() throws {
        #expect(try PostgresStoreOptions(url: base).tlsMode == .prefer)
    }

    @Test("sslrootcert is a path, percent-decoded")
    func rootCertificate() throws {
        let options = try PostgresStoreOptions(url: "\(base)?sslmode=verify-full&sslrootcert=%2Fetc%2Fssl%2Fmy%20ca.pem")
        #expect(options.tlsMode == .verifyFull)
        #expect(options.rootCertificatePath == "/etc/ssl/my ca.pem")
        #expect(try PostgresStoreOptions(url: "\(base)?sslrootcert=/x.pem&sslmode=verify-ca").rootCertificatePath == "/x.pem")
        #expect(try PostgresStoreOptions(url: "\(base)?sslmode=require&sslrootcert=").rootCertificatePath == nil)
    }

    @Test("an unknown sslmode is refused, naming it and the allowed ones, without the password",
          arguments: ["verify_full", "Require", "true", ""])
    func unknownMode(_ mode: String) {
        do {
            _ = try PostgresStoreOptions(url: "\(base)?sslmode=\(mode)")
            Issue.record("accepted sslmode=\(mode)")
        } catch {
            let text = "\(error)"
            #expect(error is PostgresURLError)
            #expect(text.contains("sslmode=\(mode)") && text.contains("verify-full") && text.contains("disable"), "\(text)")
            #expect(!text.contains("secret"))
        }
    }

    @Test("sslrootcert=system goes with verify-full only, as in libpq")
    func systemRoot() throws {
        #expect(try PostgresStoreOptions(url: "\(base)?sslmode=verify-full&sslrootcert=system").rootCertificatePath == "system")
        #expect(throws: PostgresURLError.self) { try PostgresStoreOptions(url: "\(base)?sslmode=require&sslrootcert=system") }
        #expect(throws: PostgresURLError.self) { try PostgresStoreOptions(url: "\(base)?sslrootcert=system") }
    }

    @Test("a missing, empty or non-PEM root certificate file is a clear error when opening, not a crash")
    func badRootCertificate() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("cg-tls-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let junk = folder.appendingPathComponent("junk.pem")
        try Data("not a certificate\n".utf8).write(to: junk)
        let cases = [(folder.appendingPathComponent("missing.pem").path, "does not exist"),
                     (junk.path, "no PEM certificate"), (folder.path, "directory")]
        for (path, problem) in cases {
            let options = PostgresStoreOptions(host: "localhost", username: "u", database: "d", tlsMode: .verifyFull,
                                               rootCertificatePath: path)
            do {
                try options.validateTLS()
                Issue.record("accepted \(path)")
            } catch {
                #expect(error.problem.contains(path) && error.problem.contains(problem), "\(error)")
            }
            #expect(throws: PostgresTLSError.self) { try PostgresStore.open(options, logger: TestDatabase.logger) }
        }
        // Modes that never verify do not read the file (as libpq).
        try PostgresStoreOptions(host: "localhost", username: "u", database: "d", tlsMode: .prefer,
                                 rootCertificatePath: cases[0].0).validateTLS()
    }
}
