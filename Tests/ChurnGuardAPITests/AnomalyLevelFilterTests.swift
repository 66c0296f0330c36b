import ChurnGuardCore
import ChurnGuardStorage
import Foundation
import HummingbirdTesting
import Testing

/// `GET /api/v1/analytics/anomalies?level=…`: only anomalies of the given levels, combined
/// with the other filters and the cursor; a bad value is a 422 naming `level`.
@Suite("Anomaly level filter over HTTP")
struct AnomalyLevelFilterTests {
    static let anomalies = "/api/v1/analytics/anomalies"

    /// One stored anomaly of `level` for `organization`, starting `hour` hours before now.
    static func anomaly(_ level: AnomalyLevel, organization: OrganizationID, hour: Int64, tags: [String: String]) -> Anomaly {
        let now = Timestamp(Date()).adding(seconds: -hour * 3600)
        return Anomaly(id: UUID().uuidString.lowercased(), organization: organization, metricName: "logins", tags: tags,
                       startedAt: now, endedAt: now.adding(seconds: 3600), peakAt: now, peakValue: 10, expectedValue: 50, expectedLow: 40,
                       expectedHigh: 60, score: 4, severity: .high, anomalousPoints: 2,
                       methods: [AnomalyMethodScore(method: "zscore", score: 4, vote: true)],
                       explanation: "logins fell to 10", detectedAt: now, updatedAt: now, level: level)
    }

    @Test("level selects customer, segment and organization anomalies, alone or as a comma list; bad values are 422 naming level",
          arguments: TestBackend.available)
    func levelFilter(backend: TestBackend) async throws {
        try await APITestHarness.run(backend: backend) { harness, client in
            let a = harness.organizationA
            let stored = [
                Self.anomaly(.customer, organization: a, hour: 30, tags: ["customer_id": "c1", "segment": "smb"]),
                Self.anomaly(.customer, organization: a, hour: 20, tags: ["customer_id": "c2", "segment": "smb"]),
                Self.anomaly(.segment, organization: a, hour: 25, tags: ["segment": "smb"]),
                Self.anomaly(.organization, organization: a, hour: 24, tags: [:]),
            ]
            try await harness.store.commitMonitorRun(anomalies: stored, states: [], organization: a)
            let foreign = Self.anomaly(.segment, organization: harness.organizationB, hour: 25, tags: ["segment": "smb"])
            try await harness.store.commitMonitorRun(anomalies: [foreign], states: [], organization: harness.organizationB)

            func ids(_ query: String) async throws -> Set<String> {
                let response = try await client.send(.get, Self.anomalies + query, key: harness.keyA)
                #expect(response.status == .ok, "\(query): \(String(buffer: response.body))")
                return Set((try response.json["anomalies"] as? [[String: Any]] ?? []).compactMap { $0["id"] as? String })
            }
            func of(_ levels: AnomalyLevel...) -> Set<String> { Set(stored.filter { levels.contains($0.level) }.map(\.id)) }
            #expect(try await ids("?level=customer") == of(.customer))
            #expect(try await ids("?level=segment") == of(.segment), "B's segment anomaly stays B's")
            #expect(try await ids("?level=organization") == of(.organization))
            #expect(try await ids("?level=segment,organization") == of(.segment, .organization))
            #expect(try await ids("") == of(.customer, .segment, .organization))
            // With the other filters and through the pages.
            #expect(try await ids("?level=customer,segment&tag.segment=smb") == of(.customer, .segment))
            #expect(try await ids("?level=segment&metric=churn_risk_score").isEmpty)
            let first = try await client.send(.get, Self.anomalies + "?level=customer&limit=1", key: harness.keyA)
            let cursor = try #require(try first.json["next_cursor"] as? String)
            let second = try await client.send(.get, Self.anomalies + "?level=customer&limit=1&cursor=\(cursor)", key: harness.keyA)
            let paged = [first, second].flatMap { (try? $0.json["anomalies"] as? [[String: Any]]) ?? [] }.compactMap { $0["id"] as? String }
            #expect(Set(paged) == of(.customer) && paged.count == 2)
            #expect(try second.json["next_cursor"] == nil)
            // The level appears on every listed anomaly.
            let listed = try await client.send(.get, Self.anomalies + "?level=organization", key: harness.keyA)
            #expect((try listed.json["anomalies"] as? [[String: Any]])?.first?["level"] as? String == "organization")

            for bad in ["series", "Segment", "", "segment,", ",customer", "customer,,segment", "customer%2Cdimension"] {
                let response = try await client.send(.get, Self.anomalies + "?level=" + bad, key: harness.keyA)
                #expect(response.status.code == 422, "level=\(bad)")
                #expect(response.errorCode == "invalid_query")
                let details = (try response.json["error"] as? [String: Any])?["details"] as? [[String: Any]] ?? []
                #expect(details.count == 1 && details.first?["field"] as? String == "level", "level=\(bad): \(details)")
                #expect((details.first?["message"] as? String)?.contains("customer, segment, organization") == true)
            }
        }
    }
}
