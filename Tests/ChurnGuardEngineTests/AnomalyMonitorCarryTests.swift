import ChurnGuardCore
import ChurnGuardEngine
import ChurnGuardStorage
import Foundation
import Testing

/// A warm monitor steps only each series' new rows through the detectors it kept from the
/// previous run (``AnomalyMonitor/Report/carried``); that decides exactly as a cold monitor
/// judging the whole series in one run.
@Suite("Anomaly monitor: judging new rows with the kept detectors")
struct AnomalyMonitorCarryTests {
    static func data(_ rows: Range<Int>) -> [MetricPoint] {
        MonitorFixture.series("customer_activity", customer: "c1", rows: rows, seed: 21, spikes: [260: 35, 262: 30, 400: -30])
            + MonitorFixture.series("customer_activity", customer: "c2", rows: rows, seed: 22, spikes: [330: -35])
            + MonitorFixture.series("logins", customer: "c1", rows: rows, seed: 23, spikes: [300: 40, 470: 45])
    }

    func organization(_ store: InMemoryStore) async throws -> OrganizationID {
        try await OrganizationAdmin(store: store).createOrganization(name: "acme", tier: .default).organization.id
    }

    @Test("runs of a few new rows each, through the kept detectors, store the anomalies of one cold run over every row")
    func warmRunsMatchOneColdRun() async throws {
        var options = AnomalyMonitorOptions()
        options.contextSeconds = 60 * 86_400
        let total = 500

        let coldStore = InMemoryStore()
        let coldOrg = try await organization(coldStore)
        try await coldStore.append([PointBatch(organization: coldOrg, points: Self.data(0..<total))])
        let cold = try await MonitorFixture.monitor(coldStore, options: options).runOnce()
        #expect(cold.carried == 0, "a first run has nothing carried")
        let expected = try await MonitorFixture.all(coldStore, coldOrg).map(MonitorFixture.signature).sorted()
        #expect(expected.count >= 4, "\(expected)")

        let store = InMemoryStore()
        let org = try await organization(store)
        let monitor = MonitorFixture.monitor(store, options: options)
        try await store.append([PointBatch(organization: org, points: Self.data(0..<200))])
        _ = try await monitor.runOnce()
        var carried = 0, runs = 0
        for start in stride(from: 200, to: total, by: 7) {
            try await store.append([PointBatch(organization: org, points: Self.data(start..<min(start + 7, total)))])
            let report = try await monitor.runOnce()
            #expect(report.failures == 0)
            carried += report.carried
            runs += report.series
        }
        #expect(carried == runs, "every warm run judged only the new rows (\(carried) of \(runs) series scans)")
        let found = try await MonitorFixture.all(store, org).map(MonitorFixture.signature).sorted()
        #expect(found == expected)
    }

    @Test("a feedback change of a series' sensitivity makes the next run rebuild its detectors from its context")
    func tuningChangeDropsTheCarry() async throws {
        let store = InMemoryStore()
        let org = try await organization(store)
        let monitor = MonitorFixture.monitor(store)
        try await store.append([PointBatch(organization: org, points: Self.data(0..<300))])
        _ = try await monitor.runOnce()
        try await store.append([PointBatch(organization: org, points: Self.data(300..<301))])
        #expect(try await monitor.runOnce().carried == 3)
        // A false positive on one series makes it stricter (its stored tuning changes).
        let flagged = try #require(try await MonitorFixture.all(store, org).first { $0.metricName == "customer_activity" && $0.tags["customer_id"] == "c1" })
        let key = flagged.seriesKey
        var tuning = try #require(try await store.anomalySeriesStates(metricName: "customer_activity", organization: org)
            .first { $0.seriesKey == key }).tuning
        tuning.sensitivityFactor *= 1.5
        _ = try await store.recordAnomalyFeedback(id: flagged.id, organization: org, feedback: .falsePositive, comment: nil,
                                                  at: MonitorFixture.now, tuning: tuning)
        try await store.append([PointBatch(organization: org, points: Self.data(301..<302))])
        let report = try await monitor.runOnce()
        #expect(report.series == 3 && report.carried == 2, "\(report)")
    }

    @Test("a series without points for longer than the context releases its detectors; they are rebuilt when it comes back")
    func idleSeriesReleaseTheirDetectors() async throws {
        let store = InMemoryStore()
        let org = try await organization(store)
        var options = AnomalyMonitorOptions()
        options.contextSeconds = 7 * 86_400
        let monitor = MonitorFixture.monitor(store, options: options)
        func active(_ rows: Range<Int>) -> [MetricPoint] {
            MonitorFixture.series("customer_activity", customer: "c1", rows: rows, seed: 21)
        }
        let churned = MonitorFixture.series("customer_activity", customer: "c2", rows: 0..<481, seed: 22)
        try await store.append([PointBatch(organization: org, points: active(0..<200) + Array(churned.prefix(200)))])
        _ = try await monitor.runOnce()
        // Both series go on for a while, then c2 stops: c1 gets a week and more of hourly points.
        try await store.append([PointBatch(organization: org, points: active(200..<300) + Array(churned[200..<300]))])
        #expect(try await monitor.runOnce().carried == 2)
        for start in stride(from: 300, to: 480, by: 30) {
            try await store.append([PointBatch(organization: org, points: active(start..<(start + 30)))])
            let report = try await monitor.runOnce()
            #expect(report.series == 1 && report.carried == 1, "\(report)")
        }
        // c2's newest row (hour 299) now lies more than 7 days before c1's (hour 479): when it
        // comes back (at hour 480) its detectors are rebuilt from its kept rows; c1's are still kept.
        try await store.append([PointBatch(organization: org, points: active(480..<481) + [churned[480]])])
        let back = try await monitor.runOnce()
        #expect(back.series == 2 && back.carried == 1 && back.gated == 0 && back.failures == 0, "\(back)")
    }
}
