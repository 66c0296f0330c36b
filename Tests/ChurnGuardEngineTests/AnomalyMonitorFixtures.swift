import ChurnGuardCore
import ChurnGuardEngine
import ChurnGuardStorage
import Foundation
import Logging
import Synchronization

/// Series for the monitor tests: an hourly daily cycle with seeded noise and planted spikes.
enum MonitorFixture {
    static let base = Timestamp(seconds: 1_760_000_400 / 3600 * 3600)
    /// The monitor's "now": well after every fixture point.
    static let now = base.adding(seconds: 40 * 86_400)

    /// `rows` hourly values of one series: 50 + `cycle`·sin(day) + N(0, 1) noise, plus `spikes` (row → added value).
    static func series(_ metric: String, customer: String, rows: Range<Int>, seed: UInt64, spikes: [Int: Double] = [:],
                       cycle: Double = 10) -> [MetricPoint] {
        var state = seed &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
        func uniform() -> Double {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return (Double(state >> 11) + 0.5) / Double(1 << 53)
        }
        var values: [Double] = []
        for _ in 0..<rows.upperBound {
            let noise = (-2 * log(uniform())).squareRoot() * cos(2 * Double.pi * uniform())
            values.append(noise)
        }
        return rows.map { row in
            let daily = cycle * sin(2 * Double.pi * Double(row % 24) / 24)
            let value = 50 + daily + values[row] + (spikes[row] ?? 0)
            return MetricPoint(metricName: metric, timestamp: base.adding(seconds: Int64(row) * 3600), value: (value * 100).rounded() / 100,
                               tags: ["customer_id": customer, "segment": "smb"])
        }
    }

    static func monitor(_ store: some MetricStore & OrganizationStore & AnomalyStore, anomalies: (any AnomalyStore)? = nil,
                        points: (any MetricStore)? = nil, bus: (any EventBus)? = nil, options: AnomalyMonitorOptions = AnomalyMonitorOptions())
        -> AnomalyMonitor {
        var logger = Logger(label: "monitor-test")
        logger.logLevel = .critical
        return AnomalyMonitor(identity: store, points: points ?? store, anomalies: anomalies ?? store, bus: bus, options: options,
                              now: { now }, logger: logger)
    }

    /// What identifies an event regardless of its random id.
    static func signature(_ anomaly: Anomaly) -> String {
        "\(anomaly.seriesKey)|\(anomaly.startedAt)|\(anomaly.endedAt)|\(anomaly.anomalousPoints)|\(anomaly.peakAt)|\(anomaly.status.rawValue)"
    }

    /// Every anomaly of `organization`, through the cursor pages.
    static func all(_ store: any AnomalyStore, _ organization: OrganizationID) async throws -> [Anomaly] {
        var query = AnomalyQuery(limit: 100)
        var result: [Anomaly] = []
        while true {
            let page = try await store.anomalies(query, organization: organization)
            result += page.anomalies
            guard let next = page.nextCursor else { return result }
            query.after = next
        }
    }
}

/// An anomalies role that refuses commits on demand: every commit after the first `allowed`
/// ones (a crash between two metrics' commits), or any commit touching one series.
final class FaultyAnomalyStore: AnomalyStore {
    let base: any AnomalyStore
    private let state: Mutex<(commits: Int, allowed: Int?, refusedSeries: String?)>

    init(base: any AnomalyStore, allowedCommits: Int? = nil, refusedSeries: String? = nil) {
        self.base = base
        state = Mutex((0, allowedCommits, refusedSeries))
    }

    func refuse(series: String?) { state.withLock { $0.refusedSeries = series } }

    func anomalySeriesStates(metricName: String, organization: OrganizationID) async throws -> [AnomalySeriesState] {
        try await base.anomalySeriesStates(metricName: metricName, organization: organization)
    }

    func commitMonitorRun(anomalies: [Anomaly], states: [AnomalySeriesState], organization: OrganizationID) async throws {
        let refuse = state.withLock { state -> Bool in
            state.commits += 1
            if let allowed = state.allowed, state.commits > allowed { return true }
            if let series = state.refusedSeries, states.contains(where: { $0.seriesKey == series }) { return true }
            return false
        }
        // Refused as invalid, not as a conflict: a conflict means another monitor moved the
        // checkpoint, which the monitor counts apart from failures.
        if refuse { throw StoreError.invalidRequest("injected fault") }
        try await base.commitMonitorRun(anomalies: anomalies, states: states, organization: organization)
    }

    func anomaly(id: String, organization: OrganizationID) async throws -> Anomaly? { try await base.anomaly(id: id, organization: organization) }

    func linkAnomalies(parentID: String, childIDs: [String], organization: OrganizationID) async throws -> Int {
        try await base.linkAnomalies(parentID: parentID, childIDs: childIDs, organization: organization)
    }

    func anomalies(_ query: AnomalyQuery, organization: OrganizationID) async throws -> AnomalyPage {
        try await base.anomalies(query, organization: organization)
    }

    func recordAnomalyFeedback(id: String, organization: OrganizationID, feedback: AnomalyFeedbackKind, comment: String?,
                               at time: Timestamp, tuning: AnomalySeriesTuning) async throws -> Anomaly? {
        try await base.recordAnomalyFeedback(id: id, organization: organization, feedback: feedback, comment: comment, at: time, tuning: tuning)
    }

    func anomalyStatusCounts(organization: OrganizationID) async throws -> [AnomalyStatus: Int] {
        try await base.anomalyStatusCounts(organization: organization)
    }
}

/// A points role that fails every read of one organization.
struct FailingOrganizationPoints: MetricStore {
    let base: any MetricStore
    let failing: OrganizationID

    func append(_ batches: [PointBatch]) async throws -> [AppendOutcome] { try await base.append(batches) }
    func expireIdempotencyKeys(before cutoff: Timestamp) async throws -> Int { try await base.expireIdempotencyKeys(before: cutoff) }
    func points(_ query: PointQuery, organization: OrganizationID) async throws -> PointPage {
        if organization == failing { throw StoreError.unavailable("injected outage") }
        return try await base.points(query, organization: organization)
    }
    func metrics(organization: OrganizationID) async throws -> [MetricSummary] {
        if organization == failing { throw StoreError.unavailable("injected outage") }
        return try await base.metrics(organization: organization)
    }
}
