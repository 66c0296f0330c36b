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

/// Recommendations as a notification source: a new recommendation reaches the routes that take
/// `recommendation.created` and whose `minimum_value` its expected value reaches, once.
@Suite("Recommendations to the outbox")
struct RecommendationNotificationTests {
    static let base = Timestamp(seconds: 1_764_600_000)

    static func recommendation(_ organization: OrganizationID, value: Double, title: String) -> Recommendation {
        let figures = ROIFigures(revenueAtRisk: value * 4, savedRevenue: value * 1.5, cost: value / 2, roi: 2)
        return Recommendation(
            id: UUID().uuidString.lowercased(), organization: organization, ruleID: "smb_reengagement_campaign", title: title,
            description: "Send the re-engagement sequence to SMB customers at risk.", category: .reEngagementCampaign,
            target: RecommendationTarget(metricName: "customer_activity", segment: InsightSegment(dimension: "segment", value: "smb")),
            affectedCustomers: 70, customers: ["c-1", "c-2"], confidence: 0.72, expectedValue: value, expectedEffect: 0.12,
            horizonDays: 90,
            roi: ROIEstimate(currency: "USD", horizonDays: 90, revenueMetric: "mrr", expected: figures, low: figures, high: figures,
                             assumptions: []),
            insightIDs: ["i-1"], anomalyIDs: [], alertIDs: [], createdAt: base)
    }

    @Test("the relay queues a recommendation on the routes taking it whose minimum value it reaches, whatever their minimum severity",
          arguments: NotifyBackend.available)
    func relay(_ backend: NotifyBackend) async throws {
        try await backend.withStore { store in
            let organization = OrganizationID.random()
            let routes = [
                NotificationRoute(id: "big-ones", channel: .webhook, events: [.recommendationCreated], minimumSeverity: .critical,
                                  minimumValue: 5_000, url: "https://hooks.example.com/big", secret: Fixtures.secret),
                NotificationRoute(id: "every-one", channel: .slack, events: [.recommendationCreated, .insightGenerated],
                                  url: "https://hooks.example.com/all"),
                NotificationRoute(id: "alerts-only", channel: .slack, minimumValue: 0, url: "https://hooks.example.com/alerts"),
            ]
            let outbox = Fixtures.outbox(store, time: ManualTime(), defaults: routes)
            let bus = InProcessEventBus(metricsFactory: NOOPMetricsHandler.instance)
            let relay = Task { try await NotificationRelay(bus: bus, outbox: outbox).run() }
            defer { relay.cancel() }
            for _ in 0..<200 where bus.subscriberCount == 0 { try await Task.sleep(for: .milliseconds(5)) }

            let large = Self.recommendation(organization, value: 26_417.6, title: "Follow up with enterprise accounts")
            let small = Self.recommendation(organization, value: 653.78, title: "Re-engagement campaign for SMB customers")
            bus.publish(.recommendationsCreated([large, small]))
            bus.publish(.recommendationsCreated([large]))                     // published again: queued once per route all the same

            _ = try await AnomalyInsightNotificationTests.messages(store, organization, count: 3)
            try await Task.sleep(for: .milliseconds(200))
            let queued = try await store.notificationMessages(OutboxQuery(), organization: organization)
            let byRoute = Dictionary(grouping: queued, by: \.routeID).mapValues { Set($0.map(\.event.id)) }
            #expect(byRoute["big-ones"] == ["recommendation:\(large.id)"], "only the one worth 5,000 or more: \(byRoute)")
            #expect(byRoute["every-one"] == ["recommendation:\(large.id)", "recommendation:\(small.id)"])
            #expect(byRoute["alerts-only"] == nil)
            let message = try #require(queued.first { $0.routeID == "big-ones" })
            #expect(message.event.kind == .recommendationCreated && message.event.value == 26_417.6)
            #expect(message.event.title == "[RECOMMENDED] Follow up with enterprise accounts (70 customers, expected value 26417.60 USD)")
            #expect(message.event.summary == large.description && message.event.link == "/recommendations/\(large.id)")
            #expect(message.event.facts.contains(.init("expected value", "26417.60 USD")))
            #expect(message.event.facts.contains(.init("expected ROI", "2")))
            #expect(message.event.facts.contains(.init("segment", "smb")))
            #expect(message.event.facts.contains(.init("confidence", "72%")))
        }
    }

    @Test("an event's value survives the outbox: stored, read back and decoded", arguments: NotifyBackend.available)
    func valueRoundTrip(_ backend: NotifyBackend) async throws {
        try await backend.withStore { store in
            let organization = OrganizationID.random()
            let event = RecommendationNotification.event(for: Self.recommendation(organization, value: 1_234.5, title: "t"))
            let message = OutboxMessage(id: UUID().uuidString.lowercased(), organization: organization, routeID: "r", channel: .slack,
                                        event: event, nextAttemptAt: Self.base, createdAt: Self.base)
            #expect(try await store.enqueueNotifications([message], organization: organization) == 1)
            let read = try await store.notificationMessages(OutboxQuery(), organization: organization)
            #expect(read.first?.event == event && read.first?.event.value == 1_234.5)
        }
    }

    @Test("serve's wiring: a route put over HTTP with minimum_value receives the recommendation the engine makes, as a signed webhook",
          arguments: NotifyBackend.durable)
    func recommendationReachesWebhook(_ backend: NotifyBackend) async throws {
        let receiver = try await WebhookReceiver()
        defer { Task { await receiver.stop() } }
        try await ServeNotificationTests.withServed(backend) { served, client in
            let store = served.store, headers = served.headers, organization = served.organization, built = served.built
            let put = try await client.execute(
                uri: "/api/v1/notifications/routes", method: .put, headers: headers,
                body: ByteBuffer(string: #"{"routes":[{"id":"cs-hook","channel":"webhook","url":"\#(receiver.url("/recs"))","secret":"\#(Fixtures.secret)","events":["recommendation.created"],"minimum_value":100}]}"#))
            #expect(put.status == .ok, "\(String(buffer: put.body))")
            let got = try await client.execute(uri: "/api/v1/notifications/routes", method: .get, headers: headers)
            #expect(String(buffer: got.body).contains(#""minimum_value":100"#), "\(String(buffer: got.body))")

            // 30 smb customers at risk with their MRR, and an insight on the smb activity drop:
            // the default playbook's smb re-engagement rule fires.
            let now = Timestamp(Date()).adding(seconds: -600)
            var points: [MetricPoint] = []
            for i in 0..<30 {
                let tags = ["customer_id": "c\(i)", "segment": "smb", "plan": "growth"]
                points.append(MetricPoint(metricName: "churn_risk_score", timestamp: now, value: 0.5 + Double(i) / 100, tags: tags))
                points.append(MetricPoint(metricName: "mrr", timestamp: now, value: 400, tags: tags))
            }
            _ = try await store.append([PointBatch(organization: organization, points: points)])
            let insight = Insight(
                id: UUID().uuidString.lowercased(), organization: organization, kind: .segmentContribution, metricName: "customer_activity",
                segment: InsightSegment(dimension: "segment", value: "smb"), severity: .high, confidence: 0.8, title: "SMB activity fell",
                narrative: "n", evidence: ["total_change": .number(-420)], revenueImpact: nil, firstSeen: now, lastSeen: now,
                expiresAt: now.adding(seconds: 86_400))
            _ = try await store.saveInsights([insight], organization: organization, at: now)
            let run = try await built.recommendations.run(organization: organization, asOf: Timestamp(Date()))
            let made = try #require(run.created.first { $0.ruleID == "smb_reengagement_campaign" }, "fired: \(run.fired)")
            #expect(made.expectedValue >= 100, "worth the route's minimum: \(made.expectedValue)")

            for _ in 0..<1500 where receiver.received.isEmpty { try await Task.sleep(for: .milliseconds(20)) }
            try await Task.sleep(for: .milliseconds(300))
            let sent = receiver.received.flatMap { ($0.json["events"] as? [[String: Any]]) ?? [] }
            #expect(sent.count == run.created.count, "one event per new recommendation: \(sent)")
            let event = try #require(sent.first { $0["id"] as? String == "recommendation:\(made.id)" })
            #expect(event["type"] as? String == "recommendation.created" && event["value"] as? Double == made.expectedValue)
            #expect(receiver.received.allSatisfy { $0.headers["x-churnguard-signature"]?.hasPrefix("v1=") == true })

            // Running again proposes nothing new, so nothing more is sent.
            let again = try await built.recommendations.run(organization: organization, asOf: Timestamp(Date()))
            #expect(again.created.isEmpty)
            try await Task.sleep(for: .milliseconds(500))
            #expect(receiver.received.flatMap { ($0.json["events"] as? [[String: Any]]) ?? [] }.count == sent.count)
        }
    }
}
