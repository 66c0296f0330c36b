import ChurnGuardCore
import ChurnGuardEngine
import Testing

@Suite("Event bus wiring")
struct EventBusWiringTests {
    @Test("an acknowledged ingest request is published on the application's bus; a refused one is not", arguments: TestBackend.available)
    func httpIngestPublishes(backend: TestBackend) async throws {
        try await APITestHarness.run(backend: backend) { harness, client in
            let subscription = harness.bus.subscribe("test")
            let refused = try await client.send(.post, "/api/v1/analytics/metrics", key: harness.keyA,
                                                json: #"{"points":[{"metric_name":"","timestamp":1795939200,"value":1}]}"#)
            #expect(refused.status.code == 422)
            let accepted = try await client.send(.post, "/api/v1/analytics/metrics", key: harness.keyA, json: batch(count: 3))
            #expect(accepted.status.code == 200)
            var iterator = subscription.makeAsyncIterator()
            let event = await iterator.next()
            guard case .pointsCommitted(let committed)? = event else {
                Issue.record("no event")
                return
            }
            #expect(committed.sequence == 1, "the refused request published nothing")
            #expect(committed.batches.map(\.organization) == [harness.organizationA])
            #expect(committed.pointCount == 3)
            #expect(committed.series().map(\.key.metricName) == ["churn_risk_score"])
            #expect(subscription.buffered == 0)
        }
    }
}
