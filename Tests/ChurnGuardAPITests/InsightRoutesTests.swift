import ChurnGuardBootstrap
import ChurnGuardCore
import ChurnGuardEngine
import ChurnGuardStorage
import Foundation
import HTTPTypes
import HummingbirdTesting
import Testing

/// The insight routes over HTTP, on every durable backend: generation from stored points,
/// listings with filters and their cache, one insight, tenant isolation, errors.
@Suite("Insight routes over HTTP")
struct InsightRoutesTests {
    /// 30 customers of segments a, b, c (plans alternating), one `customer_activity` point a
    /// day for the 14 days before now; segment a halves in the last 7 days.
    static func seedActivity(_ store: any FullStore, organization: OrganizationID) async throws {
        let now = Timestamp(Date())
        var points: [MetricPoint] = []
        for customer in 0..<30 {
            let segment = ["a", "b", "c"][customer / 10]
            for day in 0..<14 {
                let time = now.adding(seconds: -Int64(day) * 86_400 - 3_600)
                let recent = day < 7
                let wobble = Double((customer + day) % 3) - 1
                let value = (segment == "a" && recent ? 35 : 70) + wobble
                points.append(MetricPoint(metricName: "customer_activity", timestamp: time, value: value,
                                          tags: ["customer_id": "cust-\(customer)", "segment": segment,
                                                 "plan": customer % 2 == 0 ? "starter" : "growth"]))
            }
        }
        _ = try await store.append([PointBatch(organization: organization, points: points)])
    }

    static func insights(_ response: TestResponse) throws -> [[String: Any]] {
        try #require(try response.json["insights"] as? [[String: Any]], "\(String(buffer: response.body))")
    }

    @Test("a run finds the driving segment, a rerun updates instead of repeating, and only the owner sees it",
          arguments: TestBackend.durable)
    func generateAndRead(_ backend: TestBackend) async throws {
        try await APITestHarness.run(backend: backend) { harness, client in
            try await Self.seedActivity(harness.store, organization: harness.organizationA)
            let first = try await client.send(.post, "/api/v1/insights/generate", key: harness.keyA)
            #expect(first.status == .ok, "\(String(buffer: first.body))")
            let found = try Self.insights(first)
            let driver = try #require(found.first { $0["type"] as? String == "segment_contribution" },
                                      "\(String(buffer: first.body))")
            let segment = try #require(driver["segment"] as? [String: Any])
            #expect(segment["dimension"] as? String == "segment" && segment["value"] as? String == "a")
            #expect((driver["narrative"] as? String)?.contains("comes from segment a") == true, "\(driver)")
            let evidence = try #require(driver["evidence"] as? [String: Any])
            #expect((evidence["share_of_change"] as? Double).map { $0 > 0.9 } == true)
            #expect(try first.json["created"] as? Int == found.count)
            let id = try #require(driver["id"] as? String)

            let second = try await client.send(.post, "/api/v1/insights/generate", key: harness.keyA)
            #expect(try second.json["created"] as? Int == 0, "\(String(buffer: second.body))")
            #expect(try Self.insights(second).contains { $0["id"] as? String == id })

            let listed = try Self.insights(try await client.send(.get, "/api/v1/insights?type=segment_contribution&segment=a", key: harness.keyA))
            #expect(listed.map { $0["id"] as? String } == [id])
            let one = try await client.send(.get, "/api/v1/insights/\(id)", key: harness.keyA)
            #expect(try one.status == .ok && one.json["id"] as? String == id)

            // Organization B sees none of it, cannot read it by id, and its own run finds nothing of A's.
            #expect(try Self.insights(try await client.send(.get, "/api/v1/insights", key: harness.keyB)).isEmpty)
            let stolen = try await client.send(.get, "/api/v1/insights/\(id)", key: harness.keyB)
            #expect(stolen.status == .notFound)
            let theirs = try await client.send(.post, "/api/v1/insights/generate", key: harness.keyB)
            #expect(try theirs.status == .ok && Self.insights(theirs).isEmpty)
            #expect(!String(buffer: theirs.body).contains("customer_activity"))
        }
    }

    @Test("filters, limit and bad parameters", arguments: TestBackend.durable)
    func filters(_ backend: TestBackend) async throws {
        try await APITestHarness.run(backend: backend) { harness, client in
            let now = Timestamp(Date())
            func insight(_ kind: InsightKind, _ metric: String, _ severity: InsightSeverity, _ confidence: Double,
                         segment: InsightSegment? = nil) -> Insight {
                Insight(id: UUID().uuidString.lowercased(), organization: harness.organizationA, kind: kind, metricName: metric,
                        segment: segment, severity: severity, confidence: confidence, title: "t", narrative: "n",
                        evidence: ["p_value": .number(0.01)], revenueImpact: nil, firstSeen: now, lastSeen: now,
                        expiresAt: now.adding(seconds: 3_600))
            }
            let high = insight(.periodChange, "logins", .high, 0.9)
            let low = insight(.trendChange, "logins", .low, 0.8)
            let faint = insight(.trendChange, "mrr", .critical, 0.3)          // below the 0.6 threshold
            let smb = insight(.segmentContribution, "customer_activity", .medium, 0.7, segment: InsightSegment(dimension: "segment", value: "smb"))
            _ = try await harness.store.saveInsights([high, low, faint, smb], organization: harness.organizationA, at: now)
            func ids(_ query: String) async throws -> [String] {
                try Self.insights(try await client.send(.get, "/api/v1/insights\(query)", key: harness.keyA)).compactMap { $0["id"] as? String }
            }
            #expect(try await ids("") == [high.id, smb.id, low.id])
            #expect(try await ids("?severity=medium") == [high.id, smb.id])
            #expect(try await ids("?type=trend_change") == [low.id])
            #expect(try await ids("?kind=period_change&metric=logins") == [high.id])
            #expect(try await ids("?segment=smb") == [smb.id])
            #expect(try await ids("?limit=1") == [high.id])
            let bad = try await client.send(.get, "/api/v1/insights?severity=huge&limit=0&type=guess", key: harness.keyA)
            #expect(bad.status.code == 422)
            let details = try #require((try bad.json["error"] as? [String: Any])?["details"] as? [[String: Any]])
            #expect(Set(details.compactMap { $0["field"] as? String }) == ["severity", "limit", "type"])
            let missing = try await client.send(.get, "/api/v1/insights/no-such-insight", key: harness.keyA)
            #expect(missing.status == .notFound && missing.errorCode == "not_found")
        }
    }

    @Test("listings are cached per organization until a run invalidates them", arguments: TestBackend.durable)
    func cache(_ backend: TestBackend) async throws {
        try await APITestHarness.run(backend: backend, configure: { $0.insightCacheTTLSeconds = 3_600 }) { harness, client in
            let now = Timestamp(Date())
            func insight(_ metric: String, _ organization: OrganizationID) -> Insight {
                Insight(id: UUID().uuidString.lowercased(), organization: organization, kind: .periodChange, metricName: metric,
                        segment: nil, severity: .high, confidence: 0.9, title: "t", narrative: "n", evidence: [:], revenueImpact: nil,
                        firstSeen: now, lastSeen: now, expiresAt: now.adding(seconds: 7_200))
            }
            _ = try await harness.store.saveInsights([insight("logins", harness.organizationA)], organization: harness.organizationA, at: now)
            #expect(try Self.insights(try await client.send(.get, "/api/v1/insights", key: harness.keyA)).count == 1)
            // Written behind the API's back: the cached answer stands …
            _ = try await harness.store.saveInsights([insight("mrr", harness.organizationA)], organization: harness.organizationA, at: now)
            _ = try await harness.store.saveInsights([insight("mrr", harness.organizationB)], organization: harness.organizationB, at: now)
            #expect(try Self.insights(try await client.send(.get, "/api/v1/insights", key: harness.keyA)).count == 1)
            // … another organization's cache is its own …
            #expect(try Self.insights(try await client.send(.get, "/api/v1/insights", key: harness.keyB)).count == 1)
            // … and a run of A clears A's.
            #expect(try await client.send(.post, "/api/v1/insights/generate", key: harness.keyA).status == .ok)
            #expect(try Self.insights(try await client.send(.get, "/api/v1/insights", key: harness.keyA)).count == 2)
        }
    }
}
