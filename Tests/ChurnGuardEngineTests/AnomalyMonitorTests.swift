import ChurnGuardAnalytics
import ChurnGuardCore
import ChurnGuardEngine
import ChurnGuardStorage
import Foundation
import Testing

@Suite("Anomaly monitor")
struct AnomalyMonitorTests {
    static let spikeRow = 300

    func organization(_ store: InMemoryStore, _ name: String) async throws -> OrganizationID {
        try await OrganizationAdmin(store: store).createOrganization(name: name, tier: .default).organization.id
    }

    @Test("a spike becomes one stored, explained anomaly, published on the bus; a second run reports nothing again")
    func spikeStoredAndPublished() async throws {
        let store = InMemoryStore()
        let org = try await organization(store, "acme")
        try await store.append([PointBatch(organization: org, points:
            MonitorFixture.series("customer_activity", customer: "c1", rows: 0..<360, seed: 1, spikes: [Self.spikeRow: 40])
            + MonitorFixture.series("customer_activity", customer: "c2", rows: 0..<360, seed: 2))])
        let bus = InProcessEventBus()
        let subscription = bus.subscribe("test", bufferCapacity: 100)
        let monitor = MonitorFixture.monitor(store, bus: bus)
        let report = try await monitor.runOnce()
        #expect(report.series == 2 && report.points == 720 && report.failures == 0)
        let stored = try await MonitorFixture.all(store, org)
        let spikeTime = MonitorFixture.base.adding(seconds: Int64(Self.spikeRow) * 3600)
        let spike = try #require(stored.first { $0.tags["customer_id"] == "c1" && $0.startedAt <= spikeTime && spikeTime <= $0.endedAt })
        #expect(spike.peakAt == spikeTime && spike.peakValue > 80)
        #expect(spike.score >= 0.5 && spike.methods.contains { $0.vote })
        #expect(spike.expectedValue.map { abs($0 - 50) < 15 } == true, "expected \(String(describing: spike.expectedValue))")
        #expect(spike.explanation.hasPrefix("customer_activity{customer_id=c1,segment=smb} rose to"), "\(spike.explanation)")
        #expect(spike.severity == AnomalySeverity.rating(score: spike.score, anomalousRows: spike.anomalousPoints))
        #expect(report.created == stored.count)
        var published: [String] = []
        while published.count < stored.count, let event = await nextEvent(subscription) {
            if case .anomalyDetected(let anomaly) = event { published.append(anomaly.id) }
        }
        #expect(Set(published) == Set(stored.map(\.id)))
        let again = try await monitor.runOnce()
        #expect(again.series == 0 && again.created == 0)
        #expect(try await MonitorFixture.all(store, org).count == stored.count)
        // New points continue from the checkpoint: only they are scored.
        try await store.append([PointBatch(organization: org, points:
            MonitorFixture.series("customer_activity", customer: "c2", rows: 360..<370, seed: 2))])
        let next = try await monitor.runOnce()
        #expect(next.series == 1 && next.points == 10)
    }

    @Test("stopped between commits and restarted: the same anomalies as an uninterrupted monitor, none twice, none missed")
    func restartNeitherDuplicatesNorSkips() async throws {
        func data(_ rows: Range<Int>) -> [MetricPoint] {
            MonitorFixture.series("customer_activity", customer: "c1", rows: rows, seed: 11, spikes: [150: 35, 152: 30])
                + MonitorFixture.series("customer_activity", customer: "c2", rows: rows, seed: 12, spikes: [330: -35])
                + MonitorFixture.series("logins", customer: "c1", rows: rows, seed: 13, spikes: [250: 40, 290: 45])
        }
        // A cold start reads context from this far before the checkpoints: here all of it, so a
        // restarted monitor sees exactly the rows an uninterrupted one keeps in memory.
        var options = AnomalyMonitorOptions()
        options.contextSeconds = 60 * 86_400
        // Reference: one monitor, two runs.
        let reference = InMemoryStore()
        let refOrg = try await organization(reference, "acme")
        let uninterrupted = MonitorFixture.monitor(reference, options: options)
        try await reference.append([PointBatch(organization: refOrg, points: data(0..<200))])
        _ = try await uninterrupted.runOnce()
        try await reference.append([PointBatch(organization: refOrg, points: data(200..<360))])
        _ = try await uninterrupted.runOnce()
        let expected = try await MonitorFixture.all(reference, refOrg).map(MonitorFixture.signature).sorted()
        #expect(expected.count >= 4, "\(expected)")

        // Interrupted: the first run commits one metric, then "crashes" (every later commit fails).
        let store = InMemoryStore()
        let org = try await organization(store, "acme")
        try await store.append([PointBatch(organization: org, points: data(0..<200))])
        let crashing = FaultyAnomalyStore(base: store, allowedCommits: 1)
        let first = try await MonitorFixture.monitor(store, anomalies: crashing, options: options).runOnce()
        #expect(first.failures >= 1)
        let partial = try await MonitorFixture.all(store, org)
        #expect(Set(partial.map(\.metricName)).count <= 1, "only one metric committed before the crash")
        try await store.append([PointBatch(organization: org, points: data(200..<360))])
        // A new process: nothing but the stored checkpoints to go on.
        let restarted = MonitorFixture.monitor(store, options: options)
        _ = try await restarted.runOnce()
        let found = try await MonitorFixture.all(store, org).map(MonitorFixture.signature).sorted()
        #expect(found == expected)
        #expect(Set(try await MonitorFixture.all(store, org).map { "\($0.seriesKey)|\($0.startedAt)" }).count == found.count, "no duplicate")
    }

    @Test("a series whose commit fails does not hold back the others, and is caught up at the next run")
    func seriesFailureIsolated() async throws {
        let store = InMemoryStore()
        let org = try await organization(store, "acme")
        try await store.append([PointBatch(organization: org, points:
            MonitorFixture.series("customer_activity", customer: "c1", rows: 0..<360, seed: 1, spikes: [Self.spikeRow: 40])
            + MonitorFixture.series("customer_activity", customer: "c2", rows: 0..<360, seed: 2, spikes: [Self.spikeRow: 40]))])
        let c2 = Alert.seriesKey(metricName: "customer_activity", tags: ["customer_id": "c2", "segment": "smb"])
        let faulty = FaultyAnomalyStore(base: store, refusedSeries: c2)
        let monitor = MonitorFixture.monitor(store, anomalies: faulty)
        let report = try await monitor.runOnce()
        #expect(report.failures >= 1)
        var stored = try await MonitorFixture.all(store, org)
        #expect(stored.contains { $0.tags["customer_id"] == "c1" })
        #expect(!stored.contains { $0.tags["customer_id"] == "c2" })
        faulty.refuse(series: nil)
        let retry = try await monitor.runOnce()
        #expect(retry.failures == 0 && retry.series >= 1)
        stored = try await MonitorFixture.all(store, org)
        #expect(stored.contains { $0.tags["customer_id"] == "c2" })
        let keys = stored.map { "\($0.seriesKey)|\($0.startedAt)" }
        #expect(Set(keys).count == keys.count, "c1's anomalies were not reported twice")
    }

    @Test("an organization whose reads fail does not stop the others")
    func organizationFailureIsolated() async throws {
        let store = InMemoryStore()
        let broken = try await organization(store, "broken")
        let healthy = try await organization(store, "healthy")
        for org in [broken, healthy] {
            try await store.append([PointBatch(organization: org, points:
                MonitorFixture.series("logins", customer: "c1", rows: 0..<360, seed: 5, spikes: [Self.spikeRow: 40]))])
        }
        let monitor = MonitorFixture.monitor(store, points: FailingOrganizationPoints(base: store, failing: broken))
        let report = try await monitor.runOnce()
        #expect(report.organizations == 2 && report.failures == 1)
        #expect(try await MonitorFixture.all(store, healthy).isEmpty == false)
        #expect(try await MonitorFixture.all(store, broken).isEmpty)
    }

    @Test("feedback tuning is bounded: false positives make a series at most twice as strict, true positives relax it back, new_normal re-baselines")
    func tuningBounds() {
        let anomaly = Anomaly(id: "a", organization: .random(), metricName: "m", tags: [:], startedAt: MonitorFixture.base,
                              endedAt: MonitorFixture.base, peakAt: MonitorFixture.base, peakValue: 1, expectedValue: 0, expectedLow: 0,
                              expectedHigh: 0, score: 0.9, severity: .medium, anomalousPoints: 1, methods: [], explanation: "",
                              detectedAt: MonitorFixture.base, updatedAt: MonitorFixture.base)
        var tuning = AnomalySeriesTuning()
        tuning = tuning.after(.falsePositive, on: anomaly)
        #expect(tuning.sensitivityFactor == 1.25)
        for _ in 0..<10 { tuning = tuning.after(.falsePositive, on: anomaly) }
        #expect(tuning.sensitivityFactor == AnomalySeriesTuning.maximumFactor)
        for _ in 0..<20 { tuning = tuning.after(.truePositive, on: anomaly) }
        #expect(tuning.sensitivityFactor == AnomalySeriesTuning.minimumFactor)
        #expect(tuning.after(.expected, on: anomaly) == tuning)
        #expect(tuning.after(.newNormal, on: anomaly).baselineFrom == anomaly.startedAt)
    }

    @Test("a series marked false positive stops alarming at the same level")
    func falsePositiveMakesStricter() {
        // A flat noisy series (σ = 1) and a 4.5σ spike: over every threshold at the configured
        // sensitivity, under most of them once the series is at the strictest tuning (× 2).
        let points = MonitorFixture.series("m", customer: "c1", rows: 0..<360, seed: 21, spikes: [300: 4.5], cycle: 0)
        let rows = points.enumerated().map { MonitorRow(timestamp: $0.element.timestamp, sequence: Int64($0.offset), value: $0.element.value) }
        let state = AnomalySeriesState(metricName: "m", tags: ["customer_id": "c1"])
        func flags(_ factor: Double) -> Bool {
            let builder = AnomalyEventBuilder(ensemble: AnomalyMonitorOptions().ensemble(sensitivityFactor: factor), mergeGapRows: 3)
            return builder.scan(context: [], fresh: rows, state: state, open: nil, organization: .random(), now: MonitorFixture.now)
                .anomalies.contains { $0.startedAt <= rows[300].timestamp && rows[300].timestamp <= $0.endedAt }
        }
        #expect(flags(1.0), "the moderate spike alarms at the configured sensitivity")
        #expect(!flags(AnomalySeriesTuning.maximumFactor), "after false positives the same spike no longer alarms")
    }

    func nextEvent(_ subscription: EventSubscription) async -> BusEvent? {
        var iterator = subscription.makeAsyncIterator()
        return await iterator.next()
    }
}
