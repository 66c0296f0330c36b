import ChurnGuardBootstrap
import ChurnGuardCore
import ChurnGuardEngine
import ChurnGuardStorage
import Foundation
import HummingbirdTesting
import Logging
import Testing

/// `serve --demo` start-up: right after seeding, the catch-up `serve` runs (rollups folded
/// first, then one monitor run over the history) stores the planted segment-wide incident as a
/// segment-level anomaly, listed by the API before any worker run. Heavy (45 days of 40
/// customers): listed in the HEAVY regex of scripts/test.
@Suite("Demo start-up anomalies")
struct DemoStartupTests {
    @Test("after the start-up catch-up the smb activity drop is a stored segment-level anomaly, and the catch-up monitor gave its leases back")
    func segmentIncidentRightAfterStartUp() async throws {
        let store = InMemoryStore()
        let backends = Backends.single(store, name: "memory")
        let now = Date()
        let seeded = try await DemoSeeder(backends: backends).seed(now: now, days: 45, customers: 40)
        var configuration = AppConfiguration()
        configuration.host = "127.0.0.1"
        configuration.port = 0
        var logger = Logger(label: "demo-startup")
        logger.logLevel = .warning
        let report = try #require(try await BackgroundServices.catchUpAnomalies(configuration: configuration, backends: backends,
                                                                                 logger: logger))
        #expect(report.failures == 0 && report.created > 0, "\(report)")
        // The worker's monitor, another lease owner, gets every bucket at its first claim.
        let next = try await store.claimMonitorBuckets(owner: "worker", bucketCount: MonitorBuckets.count, now: Timestamp(now),
                                                       until: Timestamp(now).adding(seconds: 60))
        #expect(next == MonitorLeaseGrant(buckets: Set(0..<MonitorBuckets.count), monitors: 1))

        let dataset = DemoDataset.endingAt(Timestamp(now), days: 45, customers: 40)
        let drop = try #require(DemoDataset.incidents.first { $0.name == "smb_activity_drop" })
        @Sendable func hour(_ text: String) -> Int? {
            guard let time = RFC3339.parse(text) else { return nil }
            return Int((time.microseconds - dataset.start.microseconds) / 3_600_000_000)
        }
        let built = try await ApplicationBuilder.build(configuration: configuration, backends: backends, logger: logger)
        try await built.application.test(.live) { client in
            let response = try await client.send(.get, "/api/v1/analytics/anomalies?level=segment&tag.segment=smb&limit=1000",
                                                 key: seeded.apiKey)
            #expect(response.status == .ok)
            let segment = try response.json["anomalies"] as? [[String: Any]] ?? []
            let inDrop = segment.filter { item in
                ["customer_activity", "logins"].contains(item["metric_name"] as? String ?? "")
                    && (item["started_at"] as? String).flatMap(hour).map(drop.contains) == true
            }
            #expect(!inDrop.isEmpty, "smb_activity_drop as a segment anomaly: \(segment.map { $0["explanation"] ?? "" })")
            #expect(inDrop.allSatisfy { ($0["tags"] as? [String: String]) == ["segment": "smb"] && $0["level"] as? String == "segment" })
        }
    }
}
