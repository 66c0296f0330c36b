import ChurnGuardBootstrap
import ChurnGuardCore
import ChurnGuardEngine
import Foundation
import HummingbirdTesting
import HummingbirdWebSocket
import Logging
import Testing

@Suite("Anomaly stream messages")
struct AnomalyStreamTests {
    @Test("a new anomaly on a subscribed series arrives as an anomaly message; another organization's subscriber gets nothing",
          .timeLimit(.minutes(5)))
    func anomalyMessage() async throws {
        try await APITestHarness.run(backend: .sqlite) { harness, client in
            let port = try #require(client.port)
            #expect(try await client.send(.post, "/api/v1/analytics/metrics", key: harness.keyA,
                                          json: AnomalyRoutesTests.series("customer_activity", customer: "c1")).status == .ok)
            try await IsolatedStreamCheck.run(port: port, keyA: harness.keyA,
                                              subscription: #"[{"metric_name":"customer_activity","tags":{"customer_id":"c1"}}]"#,
                                              keyB: harness.keyB, otherSubscription: #"["customer_activity"]"#) { reader in
                let report = try await AnomalyRoutesTests.runMonitor(harness)
                #expect(report.created >= 1)
                var anomaly: [String: Any]?
                while anomaly == nil, let message = try await reader.next() {
                    if message["type"] as? String == "anomaly" { anomaly = message["anomaly"] as? [String: Any] }
                }
                #expect(anomaly?["metric_name"] as? String == "customer_activity")
                #expect((anomaly?["tags"] as? [String: String])?["customer_id"] == "c1")
                #expect(anomaly?["explanation"] as? String != nil && anomaly?["id"] as? String != nil)
            }
        }
    }
}
