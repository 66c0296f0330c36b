import ChurnGuardCore
import ChurnGuardStorage
import Foundation
import Synchronization
import Testing

/// Two `churnguard worker` processes on one database (docs/ANOMALY_DETECTION.md, "Several
/// monitors"): their anomaly monitors split the series through the leases, every series is
/// covered, every planted spike is stored once, and both stop cleanly (giving their leases back).
@Suite("two workers")
struct TwoWorkersTests {
    static let customers = 12
    static let rows = 120
    static let spikeRow = 100

    @Test("two worker processes split the series, cover them all and store each anomaly once", arguments: CLIBackend.available)
    func splitAndStoreOnce(_ backend: CLIBackend) async throws {
        try await CLIHarness.with(backend: backend) { cli in
            let created = try await cli.run(["org", "create", "two-workers"])
            let id = try #require(try created.json["organization_id"] as? String, "\(created.stderr)")
            let organization = try #require(OrganizationID(id))
            // Hourly series ending a day ago, each with one spike of +40.
            let base = Timestamp(seconds: (Int64(Date().timeIntervalSince1970) / 3600 - Int64(Self.rows) - 24) * 3600)
            let points = (0..<Self.customers).flatMap { customer in
                (0..<Self.rows).map { row in
                    let value = 50 + 10 * sin(2 * Double.pi * Double(row % 24) / 24) + Double((row * 7919 + customer * 31) % 13) / 6
                        + (row == Self.spikeRow ? 40 : 0)
                    return MetricPoint(metricName: "logins", timestamp: base.adding(seconds: Int64(row) * 3600), value: value,
                                       tags: ["customer_id": "c\(customer)", "segment": "smb"])
                }
            }
            try await cli.withStore { store in _ = try await store.append([PointBatch(organization: organization, points: points)]) }

            let environment = ["ANALYTICS_MONITORING_INTERVAL": "1", "DATA_AGGREGATION_PROCESSING_INTERVAL_SECONDS": "1",
                               "LOG_LEVEL": "info"]
            let workers = try (0..<2).map { _ in try cli.start(["worker"], environment: environment) }
            let logs = workers.map { worker in LogSink([worker.1, worker.2]) }
            defer { for (process, _, _) in workers where process.isRunning { process.terminate() } }

            // Wait until every series' checkpoint is at its last point and both monitors hold buckets.
            let last = base.adding(seconds: Int64(Self.rows - 1) * 3600)
            var covered = false, bothHold = false
            for _ in 0..<600 {
                let states = try await cli.withStore { store in try await store.anomalySeriesStates(metricName: "logins", organization: organization) }
                covered = states.filter { $0.level == .customer }.count == Self.customers
                    && states.filter { $0.level == .customer }.allSatisfy { $0.checkpoint?.timestamp == last }
                bothHold = logs.allSatisfy { $0.heldBuckets > 0 }
                if covered && bothHold { break }
                try await Task.sleep(for: .milliseconds(200))
            }
            #expect(covered, "every series scored through its last point")
            #expect(bothHold, "both workers held some of the 64 buckets: \(logs.map(\.heldBuckets))")

            let anomalies = try await cli.withStore { store in
                try await store.anomalies(AnomalyQuery(levels: [.customer], limit: 1000), organization: organization).anomalies
            }
            let keys = anomalies.map { "\($0.seriesKey)@\($0.startedAt)" }
            #expect(Set(keys).count == keys.count, "no anomaly stored twice")
            let spike = base.adding(seconds: Int64(Self.spikeRow) * 3600)
            for customer in 0..<Self.customers {
                let covering = anomalies.filter { $0.tags["customer_id"] == "c\(customer)" && $0.startedAt <= spike && spike <= $0.endedAt }
                #expect(covering.count == 1, "c\(customer): \(covering.count) anomalies at the spike")
            }

            for (process, _, _) in workers { process.terminate() }  // SIGTERM
            let deadline = Date().addingTimeInterval(20)
            while workers.contains(where: { $0.0.isRunning }) && Date() < deadline { try await Task.sleep(for: .milliseconds(50)) }
            for (index, worker) in workers.enumerated() {
                #expect(!worker.0.isRunning && worker.0.terminationStatus == 0, "worker \(index): \(logs[index].text.suffix(2000))")
            }
        }
    }
}

/// Collects what a process writes (so its pipes never fill) and reads the buckets its anomaly
/// monitor reported holding last (the `anomaly monitor leases changed` lines).
final class LogSink: Sendable {
    private let buffer = Mutex("")

    init(_ pipes: [Pipe]) {
        for pipe in pipes {
            pipe.fileHandleForReading.readabilityHandler = { [self] handle in
                let data = handle.availableData
                guard !data.isEmpty else {
                    handle.readabilityHandler = nil  // end of the stream
                    return
                }
                buffer.withLock { $0 += String(decoding: data, as: UTF8.self) }
            }
        }
    }

    var text: String { buffer.withLock { $0 } }

    /// The `held` count of the last lease line, 0 before any.
    var heldBuckets: Int {
        let lines = text.split(separator: "\n").filter { $0.contains("anomaly monitor leases changed") }
        guard let line = lines.last, let range = line.range(of: #"held[^0-9]{1,4}[0-9]+"#, options: .regularExpression) else { return 0 }
        return Int(line[range].filter(\.isNumber)) ?? 0
    }
}
