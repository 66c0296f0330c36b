import ChurnGuardCore
import ChurnGuardStorage
import Foundation
import Testing

@Suite("Bulk ingest command")
struct IngestCommandTests {
    func organization(_ cli: CLIHarness) async throws -> String {
        let created = try await cli.run(["org", "create", "loader"])
        return try #require(try created.json["organization_id"] as? String)
    }

    func stored(_ cli: CLIHarness, org: String, metric: String) async throws -> [MetricPoint] {
        let organization = try #require(OrganizationID(org))
        return try await cli.withStore { store in
            try await store.points(PointQuery(metricName: metric, limit: 10_000), organization: organization).points.map(\.point)
        }
    }

    @Test("loads CSV with tag columns and JSON Lines", arguments: CLIBackend.available)
    func loads(_ backend: CLIBackend) async throws {
        try await CLIHarness.with(backend: backend) { cli in
            let org = try await organization(cli)
            var csv = "timestamp,metric_name,value,customer_id,segment\n"
            for index in 0..<120 { csv += "\(1_795_939_200 - 120 * 3600 + index * 3600),logins,\(index),c-\(index % 7),\"smb, eu\"\n" }
            let csvPath = try cli.write("logins.csv", csv)
            let result = try await cli.run(["ingest", "--org", org, csvPath])
            #expect(result.status == 0, "\(result.stderr)")
            #expect(result.stdout.contains("ingested 120 points"))
            let logins = try await stored(cli, org: org, metric: "logins")
            #expect(logins.count == 120)
            #expect(logins.first?.tags == ["customer_id": "c-0", "segment": "smb, eu"])

            let jsonl = (0..<5).map { #"{"metric_name":"mrr","timestamp":"2026-11-29T0\#($0):00:00Z","value":\#($0 * 100),"tags":{"plan":"growth"}}"# }
            let jsonlPath = try cli.write("mrr.jsonl", jsonl.joined(separator: "\n") + "\n")
            #expect(try await cli.run(["ingest", "--org", org, jsonlPath]).status == 0)
            #expect(try await stored(cli, org: org, metric: "mrr").map(\.value) == [0, 100, 200, 300, 400])
        }
    }

    @Test("with --idempotency-key a repeated load stores every point once; the key with another file is refused",
          arguments: CLIBackend.available)
    func idempotentLoad(_ backend: CLIBackend) async throws {
        try await CLIHarness.with(backend: backend) { cli in
            let org = try await organization(cli)
            var csv = "timestamp,metric_name,value\n"
            for index in 0..<50 { csv += "\(1_795_939_200 - index * 60),logins,\(index)\n" }
            let path = try cli.write("once.csv", csv)
            let first = try await cli.run(["ingest", "--org", org, path, "--idempotency-key", "import-2026-11"])
            #expect(first.status == 0, "\(first.stderr)")
            #expect(first.stdout.contains("ingested 50 points"))
            let again = try await cli.run(["ingest", "--org", org, path, "--idempotency-key", "import-2026-11"])
            #expect(again.status == 0, "\(again.stderr)")
            #expect(again.stdout.contains("ingested 0 points (50 were already stored under this idempotency key)"), "\(again.stdout)")
            #expect(try await stored(cli, org: org, metric: "logins").count == 50)
            let other = try cli.write("other.csv", "timestamp,metric_name,value\n1795939200,logins,7\n")
            let reused = try await cli.run(["ingest", "--org", org, other, "--idempotency-key", "import-2026-11"])
            #expect(reused.status != 0)
            #expect(reused.stderr.contains("was used with another file"), "\(reused.stderr)")
            #expect(try await stored(cli, org: org, metric: "logins").count == 50)
        }
    }

    @Test("a bad line stops the load before anything is stored, naming the line", arguments: CLIBackend.available)
    func badLine(_ backend: CLIBackend) async throws {
        try await CLIHarness.with(backend: backend) { cli in
            let org = try await organization(cli)
            let path = try cli.write("bad.csv", "timestamp,metric_name,value\n1795939200,logins,1\n1795939260,logins,NaN\n")
            let result = try await cli.run(["ingest", "--org", org, path])
            #expect(result.status != 0)
            #expect(result.stderr.contains("line 3"))
            #expect(try await stored(cli, org: org, metric: "logins").isEmpty)
            let missing = try await cli.run(["ingest", "--org", org, "nowhere.csv"])
            #expect(missing.status != 0)
            #expect(missing.stderr.contains("nowhere.csv"))
        }
    }
}
