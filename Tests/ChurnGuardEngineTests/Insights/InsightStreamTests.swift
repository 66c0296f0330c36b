import ChurnGuardCore
@testable import ChurnGuardEngine
import Foundation
import MetricsTestKit
import Testing

/// New insights reach the stream as `insight` messages, for their organization and metric only.
@Suite("Insight stream messages")
struct InsightStreamTests {
    @Test("a subscriber of the insight's metric gets it; another organization and another metric do not")
    func delivered() async throws {
        let hub = StreamHub(outboxCapacity: 16, metricsFactory: TestMetrics())
        let (a, b) = (OrganizationID.random(), OrganizationID.random())
        let owner = try #require(hub.connect(organization: a))
        let otherMetric = try #require(hub.connect(organization: a))
        let stranger = try #require(hub.connect(organization: b))
        #expect(hub.subscribe(id: owner.id, organization: a, [StreamHub.Subscription(metricName: "customer_activity")]))
        #expect(hub.subscribe(id: otherMetric.id, organization: a, [StreamHub.Subscription(metricName: "logins")]))
        #expect(hub.subscribe(id: stranger.id, organization: b, [StreamHub.Subscription(metricName: "customer_activity")]))
        let now = Timestamp(seconds: 1_764_000_000)
        let insight = Insight(id: "i-1", organization: a, kind: .segmentContribution, metricName: "customer_activity",
                              segment: InsightSegment(dimension: "segment", value: "smb"), severity: .high, confidence: 0.91,
                              title: "segment smb drives the drop in customer_activity", narrative: "96 % of the drop …",
                              evidence: ["share_of_change": .number(0.96)], revenueImpact: 28_036, firstSeen: now, lastSeen: now,
                              expiresAt: now.adding(seconds: 86_400))
        hub.publish(insight)
        #expect(owner.outbox.pending == 1 && otherMetric.outbox.pending == 0 && stranger.outbox.pending == 0)
        let text = try #require(await owner.outbox.next())
        let json = try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
        #expect(json["type"] as? String == "insight")
        let body = try #require(json["insight"] as? [String: Any])
        #expect(body["id"] as? String == "i-1" && body["type"] as? String == "segment_contribution")
        #expect((body["segment"] as? [String: Any])?["value"] as? String == "smb")
        #expect((body["evidence"] as? [String: Any])?["share_of_change"] as? Double == 0.96)
    }
}
