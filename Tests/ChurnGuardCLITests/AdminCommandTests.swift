import Foundation
import Testing

@Suite("Administration commands")
struct AdminCommandTests {
    /// The newest schema version of both backends (13: shared notification pacing).
    static let newestMigration = 13

    @Test("org create prints the organization and a key shown once; apikey create, list and revoke",
          arguments: CLIBackend.available)
    func organizationsAndKeys(_ backend: CLIBackend) async throws {
        try await CLIHarness.with(backend: backend) { cli in
            let created = try await cli.run(["org", "create", "acme", "--tier", "premium"])
            #expect(created.status == 0, "\(created.stderr)")
            let org = try created.json
            #expect(org["name"] as? String == "acme")
            #expect(org["tier"] as? String == "premium")
            let orgID = try #require(org["organization_id"] as? String)
            #expect(UUID(uuidString: orgID) != nil)
            #expect((org["api_key"] as? String)?.hasPrefix("cg_") == true)

            let duplicate = try await cli.run(["org", "create", "acme"])
            #expect(duplicate.status != 0)
            #expect(duplicate.stderr.contains("already exists"))

            let minted = try await cli.run(["apikey", "create", "--org", orgID, "--tier", "enterprise", "--name", "etl"])
            #expect(minted.status == 0, "\(minted.stderr)")
            let keyID = try #require(try minted.json["key_id"] as? String)
            #expect(try minted.json["tier"] as? String == "enterprise")

            #expect(try minted.json["scopes"] as? [String] == ["ingest", "read", "admin"])
            let scoped = try await cli.run(["apikey", "create", "--org", orgID, "--scopes", "read, ingest"])
            #expect(scoped.status == 0, "\(scoped.stderr)")
            #expect(try scoped.json["scopes"] as? [String] == ["ingest", "read"])
            let badScope = try await cli.run(["apikey", "create", "--org", orgID, "--scopes", "read,root"])
            #expect(badScope.status != 0)
            #expect(badScope.stderr.contains("unknown scope 'root'"), "\(badScope.stderr)")

            let listed = try await cli.run(["apikey", "list", "--org", orgID])
            let keys = try #require(try listed.json["api_keys"] as? [[String: Any]])
            #expect(keys.count == 3)
            #expect(keys.contains { $0["scopes"] as? [String] == ["ingest", "read"] })
            #expect(!listed.stdout.contains("cg_"), "list must not print keys")

            #expect(try await cli.run(["apikey", "revoke", keyID]).status == 0)
            let again = try await cli.run(["apikey", "revoke", keyID])
            #expect(again.status != 0)
            #expect(again.stderr.contains("no active API key"))
            let relisted = try await cli.run(["apikey", "list", "--org", orgID])
            let revoked = try #require(try relisted.json["api_keys"] as? [[String: Any]]).first { $0["key_id"] as? String == keyID }
            #expect(revoked?["revoked_at"] is String)

            let badOrg = try await cli.run(["apikey", "list", "--org", "not-a-uuid"])
            #expect(badOrg.status != 0)
            #expect(badOrg.stderr.contains("--org"))
            let unknownOrg = try await cli.run(["apikey", "create", "--org", UUID().uuidString])
            #expect(unknownOrg.status != 0)
            #expect(unknownOrg.stderr.contains("no organization"))
        }
    }

    @Test("migrate is idempotent and reports status", arguments: CLIBackend.available)
    func migrate(_ backend: CLIBackend) async throws {
        try await CLIHarness.with(backend: backend, migrated: false) { cli in
            let status = try await cli.run(["migrate", "--status"])
            #expect(status.status == 0, "\(status.stderr)")
            #expect(status.stdout.contains("pending"))
            let first = try await cli.run(["migrate"])
            // Every migration, one line each ("applied N: name"), from the first to the newest.
            let appliedLines = first.stdout.split(separator: "\n").filter { $0.hasPrefix("applied ") }
            #expect(appliedLines.first?.hasPrefix("applied 1: ") == true, "\(first.stdout)")
            #expect(appliedLines.last?.hasPrefix("applied \(Self.newestMigration): ") == true, "\(first.stdout)")
            let second = try await cli.run(["migrate"])
            #expect(second.stdout.contains("schema is up to date"))
            let name = backend == .sqlite ? "sqlite" : "postgresql (native weekly partitioning"
            #expect(second.stdout.contains("backend: \(name)"), "\(second.stdout)")
            #expect(second.stdout.contains("database version: \(Self.newestMigration)"), "\(second.stdout)")
        }
    }

    @Test("bad configuration stops with one line naming the source and key")
    func badConfiguration() async throws {
        try await CLIHarness.with { cli in
            let variable = try await cli.run(["migrate", "--status"], environment: ["API_PORT": "eighty"])
            #expect(variable.status != 0)
            #expect(variable.stderr.contains("environment variable API_PORT"))
            #expect(variable.stderr.contains("api.port"))
            #expect(variable.stderr.split(separator: "\n").count == 1)

            let snake = try await cli.run(["migrate", "--status"], environment: ["DATA_AGGREGATION_PROCESSING_INTERVAL_SECONDS": "-5"])
            #expect(snake.stderr.contains("DATA_AGGREGATION_PROCESSING_INTERVAL_SECONDS"))

            let file = try cli.write("custom.yaml", "api:\n  prot: 8000\n")
            let typo = try await cli.run(["migrate", "--status", "--config", file])
            #expect(typo.status != 0)
            #expect(typo.stderr.contains("custom.yaml") && typo.stderr.contains("api.prot") && typo.stderr.contains("unknown key"))

            let missing = try await cli.run(["migrate", "--config", "nope.yaml"])
            #expect(missing.stderr.contains("nope.yaml") && missing.stderr.contains("not found"))

            let backend = try await cli.run(["migrate"], environment: ["ANALYTICS_DB_BACKEND": "oracle"])
            #expect(backend.stderr.contains("ANALYTICS_DB_BACKEND") && backend.stderr.contains("database.backend"))

            _ = try cli.write(".env", "API_PORT=notaport\n")
            let dotEnv = try await cli.run(["migrate", "--status"])
            #expect(dotEnv.stderr.contains(".env variable API_PORT"))
        }
    }
}
