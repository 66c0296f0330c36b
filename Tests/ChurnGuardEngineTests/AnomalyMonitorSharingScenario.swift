import ChurnGuardCore
import ChurnGuardEngine
import ChurnGuardStorage
import Foundation
import Logging
import Metrics
import MetricsTestKit
import Synchronization
import Testing

/// Everything a monitor needs from one database, as two processes would each open it.
typealias MonitorDatabase = MetricStore & OrganizationStore & AnomalyStore & AnomalyLeaseStore

/// Two anomaly monitors on one database, each through its own store (its own connections),
/// running at the same time while points arrive: the scenario the sharing tests run on every
/// backend. Each series gets planted spikes; the checks are that every point is scored once,
/// every spike stored once, every series covered, and that a monitor that dies is replaced.
struct MonitorSharingScenario {
    static let customers = 24
    static let historyRows = 96
    static let rowsPerRound = 8
    static let rounds = 5
    static let afterDeathRows = 16
    static let metric = "logins"
    static let leaseSeconds: Int64 = 120

    let first: any MonitorDatabase
    let second: any MonitorDatabase
    let clock = ManualTime(MonitorFixture.now)

    /// The spikes of one customer: one in the shared rounds, one after the first monitor dies.
    static func spikes(_ customer: Int) -> [Int: Double] {
        let shared = historyRows + (customer * 5) % (rounds * rowsPerRound - 2)
        let late = historyRows + rounds * rowsPerRound + 4 + customer % 8
        return [shared: 40, late: 40]
    }

    static var totalRows: Int { historyRows + rounds * rowsPerRound + afterDeathRows }

    func points(rows: Range<Int>) -> [MetricPoint] {
        (0..<Self.customers).flatMap { customer in
            let all = MonitorFixture.series(Self.metric, customer: "c\(customer)", rows: 0..<Self.totalRows, seed: UInt64(customer) + 7,
                                            spikes: Self.spikes(customer))
            return Array(all[rows])
        }
    }

    func monitor(_ store: any MonitorDatabase, owner: String, metrics: TestMetrics, leases: (any AnomalyLeaseStore)? = nil) -> AnomalyMonitor {
        var options = AnomalyMonitorOptions()
        options.leaseDuration = Self.leaseSeconds
        var logger = Logger(label: "sharing-\(owner)")
        logger.logLevel = .critical
        let clock = self.clock
        return AnomalyMonitor(identity: store, points: store, anomalies: store, leases: leases ?? (store as any AnomalyLeaseStore), owner: owner,
                              bus: nil, options: options, now: { clock.now }, logger: logger, metricsFactory: metrics)
    }

    func advance(seconds: Int64) { clock.advance(seconds: seconds) }

    /// Runs the scenario and checks it; `raceLeases` replaces the lease store by one that hands
    /// every bucket to both monitors (two monitors racing past an expired lease all the time).
    func run(raceLeases: Bool = false) async throws {
        let organization = try await OrganizationAdmin(store: first).createOrganization(name: "sharing", tier: .premium).organization.id
        _ = try await first.append([PointBatch(organization: organization, points: points(rows: 0..<Self.historyRows))])
        let metricsA = TestMetrics(), metricsB = TestMetrics()
        let everyBucket: (any AnomalyLeaseStore)? = raceLeases ? EveryBucketLeases() : nil
        let a = monitor(first, owner: "monitor-a", metrics: metricsA, leases: everyBucket)
        let b = monitor(second, owner: "monitor-b", metrics: metricsB, leases: everyBucket)
        var scored = 0, seriesA = 0, seriesB = 0, conflicts = 0
        func record(_ report: AnomalyMonitor.Report, isA: Bool) {
            #expect(report.failures == 0, "\(report)")
            scored += report.points
            conflicts += report.conflicts
            if isA { seriesA += report.series } else { seriesB += report.series }
        }
        // Both run at once, round after round, while points arrive.
        for round in 0...Self.rounds {
            if round > 0 {
                let start = Self.historyRows + (round - 1) * Self.rowsPerRound
                _ = try await first.append([PointBatch(organization: organization, points: points(rows: start..<(start + Self.rowsPerRound)))])
            }
            advance(seconds: 60)
            async let runA = a.runOnce()
            async let runB = b.runOnce()
            let (reportA, reportB) = try await (runA, runB)
            record(reportA, isA: true)
            record(reportB, isA: false)
        }
        let shared = Self.historyRows + Self.rounds * Self.rowsPerRound
        if raceLeases {
            #expect(scored >= shared * Self.customers, "every point scored at least once")
        } else {
            #expect(scored == shared * Self.customers, "every point scored exactly once, by one monitor")
            #expect(conflicts == 0)
            #expect(seriesA > 0 && seriesB > 0, "both monitors did work: \(seriesA) and \(seriesB) series")
            let claims = try metricsA.expectCounter(MetricNames.anomalyLeaseClaims).totalValue
                + (try metricsB.expectCounter(MetricNames.anomalyLeaseClaims).totalValue)
            let losses = try metricsA.expectCounter(MetricNames.anomalyLeaseLosses).totalValue
                + (try metricsB.expectCounter(MetricNames.anomalyLeaseLosses).totalValue)
            #expect(losses > 0 && claims == Int64(MonitorBuckets.count) + losses,
                    "the first holder gave the other its share: \(claims) claims, \(losses) losses")
            let held = try #require(try metricsA.expectGauge(MetricNames.anomalyLeaseBuckets).lastValue)
                + (try #require(try metricsB.expectGauge(MetricNames.anomalyLeaseBuckets).lastValue))
            #expect(held == Double(MonitorBuckets.count), "together they hold every bucket")
        }
        try await expectStoredOnce(organization, through: shared)

        // Monitor a dies (no release); b takes its series over once a's leases expire, from
        // a's checkpoints: nothing skipped, nothing repeated.
        _ = try await first.append([PointBatch(organization: organization, points: points(rows: shared..<Self.totalRows))])
        advance(seconds: Self.leaseSeconds + 1)
        let takeover = try await b.runOnce()
        #expect(takeover.failures == 0 && takeover.buckets == MonitorBuckets.count, "\(takeover)")
        #expect(takeover.series == Self.customers && takeover.points == Self.afterDeathRows * Self.customers,
                "b scored exactly the points after the checkpoints: \(takeover)")
        try await expectStoredOnce(organization, through: Self.totalRows)
    }

    /// Every series' checkpoint is at its last row before `through`, every spike there is inside
    /// exactly one stored anomaly of its series, and no event is stored twice.
    func expectStoredOnce(_ organization: OrganizationID, through rows: Int) async throws {
        let states = try await first.anomalySeriesStates(metricName: Self.metric, organization: organization)
        let last = MonitorFixture.base.adding(seconds: Int64(rows - 1) * 3600)
        #expect(states.count == Self.customers && states.allSatisfy { $0.checkpoint?.timestamp == last },
                "every series covered through row \(rows - 1)")
        let anomalies = try await MonitorFixture.all(first, organization)
        let starts = anomalies.map { "\($0.seriesKey)@\($0.startedAt)" }
        #expect(Set(starts).count == starts.count, "no anomaly stored twice: \(starts.count - Set(starts).count) duplicates")
        for customer in 0..<Self.customers {
            for row in Self.spikes(customer).keys where row < rows {
                let time = MonitorFixture.base.adding(seconds: Int64(row) * 3600)
                let covering = anomalies.filter { $0.tags["customer_id"] == "c\(customer)" && $0.startedAt <= time && time <= $0.endedAt }
                #expect(covering.count == 1, "c\(customer) spike at row \(row): \(covering.count) anomalies")
            }
        }
    }
}

/// A lease role that hands every bucket to every monitor: the worst case the checkpoint
/// compare-and-set must survive alone (two monitors both sure they own every series).
struct EveryBucketLeases: AnomalyLeaseStore {
    func claimMonitorBuckets(owner: String, bucketCount: Int, now: Timestamp, until: Timestamp) async throws -> MonitorLeaseGrant {
        MonitorLeaseGrant(buckets: Set(0..<bucketCount), monitors: 1)
    }

    func releaseMonitorBuckets(owner: String) async throws {}
}

/// A clock the test moves by hand, shared by both monitors.
final class ManualTime: Sendable {
    private let value: Mutex<Timestamp>

    init(_ start: Timestamp) { value = Mutex(start) }

    var now: Timestamp { value.withLock { $0 } }

    func advance(seconds: Int64) { value.withLock { $0 = $0.adding(seconds: seconds) } }
}
