import ChurnGuardCore
import ChurnGuardStorage
import Foundation
import Testing

@Suite("worker")
struct WorkerCommandTests {
    @Test("worker rolls up ingested points and exits 0 on SIGTERM", arguments: CLIBackend.available)
    func rollsUpAndStops(_ backend: CLIBackend) async throws {
        try await CLIHarness.with(backend: backend) { cli in
            let created = try await cli.run(["org", "create", "worker-org"])
            #expect(created.status == 0, "\(created.stderr)")
            let org = try #require(try created.json["organization_id"] as? String)
            let rows = (0..<180).map { "\(1_795_939_200 + $0 * 60),logins,\($0 % 5)" }
            let csvPath = try cli.write("logins.csv", "timestamp,metric_name,value\n" + rows.joined(separator: "\n") + "\n")
            #expect(try await cli.run(["ingest", "--org", org, csvPath]).status == 0)

            let (process, _, err) = try cli.start(["worker"], environment: ["DATA_AGGREGATION_PROCESSING_INTERVAL_SECONDS": "1"])
            defer { if process.isRunning { process.terminate() } }
            try await cli.withStore { store in
                var statistics = try await store.rollupStatistics()
                for _ in 0..<200 where statistics.pendingPoints > 0 || statistics.hourlyBuckets == 0 {
                    try await Task.sleep(for: .milliseconds(50))
                    statistics = try await store.rollupStatistics()
                }
                #expect(statistics.pendingPoints == 0 && statistics.hourlyBuckets == 3 && statistics.dailyBuckets == 1)
                let organization = try #require(OrganizationID(org))
                let hours = try await store.rollups(metricName: "logins", resolution: .hour, from: nil, to: nil, limit: 10,
                                                    organization: organization)
                #expect(hours.map(\.aggregate.count) == [60, 60, 60])
            }

            process.terminate()  // SIGTERM
            let deadline = Date().addingTimeInterval(15)
            while process.isRunning && Date() < deadline { try await Task.sleep(for: .milliseconds(50)) }
            #expect(!process.isRunning)
            #expect(process.terminationStatus == 0, "\(String(decoding: err.fileHandleForReading.availableData, as: UTF8.self))")
        }
    }
}
