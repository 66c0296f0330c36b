import ChurnGuardBootstrap
import ChurnGuardCore
import ChurnGuardEngine
import ChurnGuardStorage
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Metrics
import Testing

/// Anomalies and insights as notification sources: each reaches the routes that take its kind,
/// once, and never a route that does not.
@Suite("Anomalies and insights to the outbox")
struct AnomalyInsightNotificationTests {
    static let base = Timestamp(seconds: 1_764_600_000)

    static func anomaly(_ organization: OrganizationID, severity: AnomalySeverity = .high) -> Anomaly {
        Anomaly(id: UUID().uuidString.lowercased(), organization: organization, metricName: "customer_activity",
                tags: ["customer_id": "c-17", "segment": "smb"], startedAt: base, endedAt: base.adding(seconds: 3_600),
                peakAt: base.adding(seconds: 1_800), peakValue: 12, expectedValue: 48, expectedLow: 40, expectedHigh: 56, score: 0.91,
                severity: severity, anomalousPoints: 2,
                methods: [AnomalyMethodScore(method: "mad", score: 0.91, vote: true), AnomalyMethodScore(method: "lof", score: 0.2, vote: false)],
                explanation: "customer_activity fell to 12, expected about 48", detectedAt: base, updatedAt: base)
    }

    static func insight(_ organization: OrganizationID, severity: InsightSeverity, title: String) -> Insight {
        Insight(id: UUID().uuidString.lowercased(), organization: organization, kind: .segmentContribution, metricName: "customer_activity",
                segment: InsightSegment(dimension: "segment", value: "smb"), severity: severity, confidence: 0.84, title: title,
                narrative: "Most of the drop in customer_activity comes from segment smb.", evidence: [:], revenueImpact: 12_500,
                firstSeen: base, lastSeen: base, expiresAt: base.adding(seconds: 86_400))
    }

    /// Waits until `organization` has `count` queued messages (or a generous time passed).
    static func messages(_ store: any NotificationStore, _ organization: OrganizationID, count: Int) async throws -> [OutboxMessage] {
        var found: [OutboxMessage] = []
        for _ in 0..<500 {
            found = try await store.notificationMessages(OutboxQuery(), organization: organization)
            if found.count >= count { break }
            try await Task.sleep(for: .milliseconds(20))
        }
        return found
    }

    @Test("the relay queues an anomaly and an insight on the routes of their kind and severity, once each", arguments: NotifyBackend.available)
    func relay(_ backend: NotifyBackend) async throws {
        try await backend.withStore { store in
            let organization = OrganizationID.random(), other = OrganizationID.random()
            let routes = [
                NotificationRoute(id: "anomalies", channel: .webhook, events: [.anomalyDetected], minimumSeverity: .medium,
                                  url: "https://hooks.example.com/a", secret: Fixtures.secret),
                NotificationRoute(id: "insights", channel: .slack, events: [.insightGenerated], minimumSeverity: .medium,
                                  url: "https://hooks.example.com/i"),
                NotificationRoute(id: "alerts-only", channel: .slack, url: "https://hooks.example.com/alerts"),
            ]
            let outbox = Fixtures.outbox(store, time: ManualTime(), defaults: routes)
            let bus = InProcessEventBus(metricsFactory: NOOPMetricsHandler.instance)
            let relay = Task { try await NotificationRelay(bus: bus, outbox: outbox).run() }
            defer { relay.cancel() }
            for _ in 0..<200 where bus.subscriberCount == 0 { try await Task.sleep(for: .milliseconds(5)) }

            let anomaly = Self.anomaly(organization)
            bus.publish(.pointsCommitted(CommittedPoints(sequence: 1, batches: [])))
            bus.publish(.anomalyDetected(anomaly))
            bus.publish(.anomalyDetected(anomaly))                          // the same anomaly again: nothing more
            bus.publish(.anomalyDetected(Self.anomaly(other, severity: .low)))   // below every route's minimum
            bus.publish(.insightsGenerated([Self.insight(organization, severity: .high, title: "Activity drop driven by smb"),
                                            Self.insight(organization, severity: .low, title: "A faint trend")]))

            let queued = try await Self.messages(store, organization, count: 2)
            try await Task.sleep(for: .milliseconds(200))
            let settled = try await store.notificationMessages(OutboxQuery(), organization: organization)
            #expect(settled.count == 2, "one anomaly and one insight message: \(settled.map(\.idempotencyKey))")
            let anomalyMessage = try #require(queued.first { $0.event.kind == .anomalyDetected })
            #expect(anomalyMessage.routeID == "anomalies" && anomalyMessage.channel == .webhook)
            #expect(anomalyMessage.event.id == "anomaly:\(anomaly.id)" && anomalyMessage.event.link == "/anomalies/\(anomaly.id)")
            #expect(anomalyMessage.event.title == "[HIGH] anomaly in customer_activity for customer c-17")
            #expect(anomalyMessage.event.summary == anomaly.explanation)
            #expect(anomalyMessage.event.facts.contains(.init("expected range", "40 – 56")))
            #expect(anomalyMessage.event.facts.contains(.init("methods", "mad")))
            let insightMessage = try #require(queued.first { $0.event.kind == .insightGenerated })
            #expect(insightMessage.routeID == "insights" && insightMessage.event.title == "[HIGH] Activity drop driven by smb")
            #expect(insightMessage.event.facts.contains(.init("confidence", "84%")))
            #expect(insightMessage.event.facts.contains(.init("revenue concerned", "12500")))
            #expect(try await store.notificationMessages(OutboxQuery(), organization: other).isEmpty)
        }
    }

    @Test("serve's wiring: a route taking anomaly.detected, put over HTTP, receives the monitor's anomaly as a signed webhook",
          arguments: NotifyBackend.durable)
    func anomalyReachesWebhook(_ backend: NotifyBackend) async throws {
        let receiver = try await WebhookReceiver()
        defer { Task { await receiver.stop() } }
        try await ServeNotificationTests.withServed(backend) { served, client in
            let store = served.store, headers = served.headers
            let monitor = try #require(BackgroundServices.anomalyMonitor(configuration: AppConfiguration(), backends: .single(store, name: backend.rawValue),
                                                                         logger: Fixtures.logger, bus: served.built.bus))
            let put = try await client.execute(
                uri: "/api/v1/notifications/routes", method: .put, headers: headers,
                body: ByteBuffer(string: #"{"routes":[{"id":"ops-hook","channel":"webhook","url":"\#(receiver.url("/churn"))","secret":"\#(Fixtures.secret)","events":["anomaly.detected","insight.generated"],"minimum_severity":"medium"}]}"#))
            #expect(put.status == .ok, "\(String(buffer: put.body))")

            // An hourly series with a daily cycle and one deep drop; the monitor, publishing on
            // serve's bus as the in-process worker does, finds it.
            let now = Timestamp(Date()).adding(seconds: -3_600)
            let start = Timestamp(seconds: now.microseconds / 1_000_000 / 3_600 * 3_600 - 20 * 86_400)
            let points = (0..<480).map { row in
                let cycle = 10 * sin(2 * Double.pi * Double(row % 24) / 24) + Double((row * 7) % 5) * 0.3
                return MetricPoint(metricName: "customer_activity", timestamp: start.adding(seconds: Int64(row) * 3_600),
                                   value: 50 + cycle - (row == 470 ? 45 : 0), tags: ["customer_id": "c-17", "segment": "smb"])
            }
            _ = try await store.append([PointBatch(organization: served.organization, points: points)])
            _ = try await monitor.runOnce()
            let stored = try await store.anomalies(AnomalyQuery(limit: 100), organization: served.organization).anomalies
            let notable = stored.filter { $0.severity >= .medium }
            #expect(!notable.isEmpty, "the drop is found: \(stored.map(\.explanation))")

            for _ in 0..<1500 where receiver.received.count < notable.count { try await Task.sleep(for: .milliseconds(20)) }
            let bodies = receiver.received.map(\.json)
            let sent = bodies.flatMap { ($0["events"] as? [[String: Any]]) ?? [] }
            #expect(sent.count == notable.count, "one webhook event per stored anomaly of medium or more: \(bodies)")
            #expect(sent.allSatisfy { $0["type"] as? String == "anomaly.detected" })
            #expect(Set(sent.compactMap { $0["id"] as? String }) == Set(notable.map { "anomaly:\($0.id)" }))
            #expect(receiver.received.allSatisfy { $0.headers["x-churnguard-signature"]?.hasPrefix("v1=") == true })
        }
    }
}
