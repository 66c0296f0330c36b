import ChurnGuardCore
import ChurnGuardEngine
import ChurnGuardStorage
import Metrics
import MetricsTestKit
import Testing

/// Reads `subscription` until `points` points arrived; the committed groups, in arrival order.
func collect(_ subscription: EventSubscription, points: Int) async -> [CommittedPoints] {
    var groups: [CommittedPoints] = []
    var seen = 0
    for await event in subscription {
        guard case .pointsCommitted(let committed) = event else { continue }
        groups.append(committed)
        seen += committed.pointCount
        if seen >= points { break }
    }
    return groups
}

func sequences(_ groups: [CommittedPoints]) -> [UInt64] { groups.map(\.sequence) }

func event(_ sequence: UInt64) -> BusEvent {
    .pointsCommitted(CommittedPoints(sequence: sequence, batches: []))
}

func sequence(of event: BusEvent?) -> UInt64? {
    guard case .pointsCommitted(let committed)? = event else { return nil }
    return committed.sequence
}

@Suite("Event bus")
struct EventBusTests {
    @Test("a subscriber of some kinds gets only those: a flood of commits neither fills its buffer nor pushes out its anomaly")
    func kindsFilter() async throws {
        let bus = InProcessEventBus(metricsFactory: NOOPMetricsHandler.instance)
        let anomalies = bus.subscribe("anomalies", bufferCapacity: 2, kinds: [.anomalyDetected])
        let everything = bus.subscribe("everything", bufferCapacity: 2)
        let organization = OrganizationID.random()
        let time = Timestamp(seconds: 1_764_600_000)
        let anomaly = Anomaly(id: "a-1", organization: organization, metricName: "logins", tags: [:], startedAt: time, endedAt: time,
                              peakAt: time, peakValue: 1, expectedValue: nil, expectedLow: nil, expectedHigh: nil, score: 0.9,
                              severity: .high, anomalousPoints: 1, methods: [], explanation: "x", detectedAt: time, updatedAt: time)
        bus.publish(.anomalyDetected(anomaly))
        for number in 1...100 { bus.publish(event(UInt64(number))) }
        var iterator = anomalies.makeAsyncIterator()
        guard case .anomalyDetected(let received)? = await iterator.next() else {
            Issue.record("the anomaly was not delivered")
            return
        }
        #expect(received.id == "a-1" && anomalies.dropped == 0)
        #expect(everything.dropped == 99, "the unfiltered subscriber kept the newest two of 101")
        anomalies.unsubscribe()
        everything.unsubscribe()
    }

    @Test("concurrent submitters: every committed point is published once, in commit order, sequences 1, 2, 3, …")
    func orderingAcrossConcurrentSubmitters() async throws {
        let bus = InProcessEventBus()
        let store = SlowCountingStore(commitDelay: .milliseconds(1))
        let pipeline = IngestPipeline(store: store, bus: bus)
        let org = OrganizationID.random()
        let first = bus.subscribe("first")
        let second = bus.subscribe("second")
        let submitters = 200
        try await withRunningPipeline(pipeline) {
            async let firstGroups = collect(first, points: submitters)
            async let secondGroups = collect(second, points: submitters)
            try await withThrowingTaskGroup(of: Void.self) { requests in
                for index in 0..<submitters {
                    requests.addTask { try await pipeline.submit(PointBatch(organization: org, points: onePoint(index))) }
                }
                try await requests.waitForAll()
            }
            let (a, b) = await (firstGroups, secondGroups)
            let commits = await store.commits
            #expect(sequences(a) == Array(1...UInt64(commits)), "one event per commit, numbered in order")
            #expect(sequences(b) == sequences(a), "every subscriber sees the same order")
            let values = a.flatMap { $0.batches.flatMap(\.points) }.map(\.value)
            #expect(values.count == submitters)
            #expect(Set(values) == Set((0..<submitters).map(Double.init)), "each point exactly once")
            #expect(a.allSatisfy { $0.batches.allSatisfy { $0.organization == org } })
            // Commit order is the store's order: the events' points in sequence order are the
            // store's rows in insertion order.
            let stored = try await store.points(PointQuery(metricName: "logins", limit: 1000), organization: org)
            #expect(stored.points.sorted { $0.sequence < $1.sequence }.map(\.point.value) == values)
        }
    }

    @Test("a failed commit publishes nothing; a batch committed on retry is published once")
    func onlyCommittedGroupsArePublished() async throws {
        let bus = InProcessEventBus()
        let store = SlowCountingStore(poisonMetric: "poison")
        let pipeline = IngestPipeline(store: store, bus: bus)
        let org = OrganizationID.random()
        let subscription = bus.subscribe("engine")
        try await withRunningPipeline(pipeline) {
            await withTaskGroup(of: Void.self) { requests in
                for index in 0..<30 {
                    requests.addTask {
                        try? await pipeline.submit(PointBatch(organization: org, points: onePoint(index, metric: index == 7 ? "poison" : "logins")))
                    }
                }
            }
            let groups = await collect(subscription, points: 29)
            let points = groups.flatMap { $0.batches.flatMap(\.points) }
            #expect(points.count == 29)
            #expect(!points.contains { $0.metricName == "poison" })
            #expect(Set(points.map(\.value)).count == 29, "no batch published twice")
            #expect(sequences(groups) == Array(1...UInt64(groups.count)))
            #expect(subscription.buffered == 0, "nothing more was published")
        }
    }

    @Test("with the store down nothing at all is published")
    func outagePublishesNothing() async throws {
        let bus = InProcessEventBus()
        let store = SlowCountingStore(commitDelay: .milliseconds(1), poisonMetric: "logins", failure: .unavailable("down"))
        let pipeline = IngestPipeline(store: store, bus: bus)
        let org = OrganizationID.random()
        let subscription = bus.subscribe("engine")
        try await withRunningPipeline(pipeline) {
            await withTaskGroup(of: Void.self) { requests in
                for index in 0..<20 {
                    requests.addTask { try? await pipeline.submit(PointBatch(organization: org, points: onePoint(index))) }
                }
            }
        }
        #expect(subscription.buffered == 0)
        #expect(subscription.dropped == 0)
    }

    @Test("a slow subscriber drops the oldest events, counted, while ingest goes on and a fast one gets everything")
    func slowSubscriberDrops() async throws {
        let metrics = TestMetrics()
        let bus = InProcessEventBus(metricsFactory: metrics)
        let pipeline = IngestPipeline(store: InMemoryStore(), bus: bus)
        let org = OrganizationID.random()
        let slow = bus.subscribe("slow", bufferCapacity: 4)  // never reads until ingest is over
        let requests = 300
        // "Fast" means it never falls a whole buffer behind; with a buffer of only a few events
        // that depended on scheduling (on a loaded 2-core machine it sometimes did fall behind,
        // lost events and waited forever), so its buffer holds every event of the run.
        let fast = bus.subscribe("fast", bufferCapacity: requests)
        try await withRunningPipeline(pipeline) {
            async let fastGroups = collect(fast, points: requests)
            // One request after another: one commit, one event each. The slow subscriber
            // never reads, so if publishing could wait for it, this loop would stall.
            for index in 0..<requests {
                try await pipeline.submit(PointBatch(organization: org, points: onePoint(index)))
            }
            let received = await fastGroups
            #expect(received.reduce(0) { $0 + $1.pointCount } == requests, "the fast subscriber got every point")
            #expect(sequences(received) == Array(1...UInt64(requests)))
        }
        #expect(slow.dropped == requests - 4)
        #expect(slow.buffered == 4)
        #expect(try metrics.expectCounter("churnguard_event_bus_dropped_total", [("subscriber", "slow")]).totalValue
            == Int64(requests - 4))
        // Dropping the oldest keeps the newest: the four last commits are what remains.
        var kept: [UInt64] = []
        for _ in 0..<4 { if let sequence = sequence(of: await slow.buffer.next()) { kept.append(sequence) } }
        #expect(kept == Array(UInt64(requests - 3)...UInt64(requests)))
        #expect(fast.dropped == 0)
    }

    @Test("unsubscribing releases the buffer, ends the iteration, and the bus forgets the subscriber")
    func unsubscribeReleases() async throws {
        let bus = InProcessEventBus()
        let subscription = bus.subscribe("engine", bufferCapacity: 8)
        #expect(bus.subscriberCount == 1)
        for sequence in 1...3 { bus.publish(event(UInt64(sequence))) }
        #expect(subscription.buffered == 3)
        subscription.unsubscribe()
        #expect(bus.subscriberCount == 0)
        #expect(subscription.buffered == 0, "the buffered events are released at once")
        var iterator = subscription.makeAsyncIterator()
        let end = await iterator.next()
        #expect(end == nil)
        bus.publish(event(4))
        #expect(subscription.buffered == 0 && subscription.dropped == 0)
    }

    @Test("a consumer task that is cancelled, or that drops its subscription, unsubscribes")
    func consumerEndingUnsubscribes() async throws {
        let bus = InProcessEventBus()
        let consumer = Task {
            var received = 0
            for await _ in bus.subscribe("engine") { received += 1 }
            return received
        }
        while bus.subscriberCount == 0 { await Task.yield() }
        bus.publish(event(1))
        consumer.cancel()
        _ = await consumer.value
        #expect(bus.subscriberCount == 0)

        do {
            let dropped = bus.subscribe("dropped")
            bus.publish(event(2))
            #expect(dropped.buffered == 1)
        }
        #expect(bus.subscriberCount == 0, "the last reference went away")
    }

    @Test("an event reaches a consumer already waiting for one")
    func waitingConsumer() async throws {
        let bus = InProcessEventBus()
        let subscription = bus.subscribe("engine")
        let consumer = Task { () -> UInt64? in
            for await event in subscription { return sequence(of: event) }
            return nil
        }
        while bus.subscriberCount == 0 { await Task.yield() }
        bus.publish(event(1))
        #expect(await consumer.value == 1)
    }

    @Test("series(): points grouped by organization, metric and tags, in order of first appearance")
    func seriesGrouping() {
        let a = OrganizationID.random()
        let b = OrganizationID.random()
        func point(_ metric: String, _ value: Double, _ tags: [String: String] = [:]) -> MetricPoint {
            MetricPoint(metricName: metric, timestamp: Timestamp(seconds: 1_764_000_000 + Int64(value)), value: value, tags: tags)
        }
        let committed = CommittedPoints(sequence: 1, batches: [
            PointBatch(organization: a, points: [point("logins", 1, ["c": "1"]), point("logins", 2, ["c": "2"]), point("logins", 3, ["c": "1"])]),
            PointBatch(organization: b, points: [point("logins", 4, ["c": "1"])]),
        ])
        let series = committed.series()
        #expect(series.map(\.key) == [
            SeriesKey(organization: a, metricName: "logins", tags: ["c": "1"]),
            SeriesKey(organization: a, metricName: "logins", tags: ["c": "2"]),
            SeriesKey(organization: b, metricName: "logins", tags: ["c": "1"]),
        ])
        #expect(series[0].values == [1, 3])
        #expect(series[0].timestamps == [Timestamp(seconds: 1_764_000_001), Timestamp(seconds: 1_764_000_003)])
        #expect(committed.pointCount == 4)
    }
}
