import ChurnGuardBootstrap
import ChurnGuardCore
import ChurnGuardEngine
import ChurnGuardStorage
import Foundation
import HTTPTypes
import HummingbirdTesting
import Testing

/// The recommendation routes over HTTP on every durable backend: a run of the shipped
/// playbook over stored points and an insight, the listing and its filters, one
/// recommendation with its chain, accept and dismiss with their conflicts and errors, and
/// tenant isolation.
@Suite("Recommendation routes over HTTP")
struct RecommendationRoutesTests {
    /// 12 smb customers (risk i/12, MRR 50 × (i + 1)) with one point an hour for the last 6
    /// hours, and the insight that fires the playbook's `smb_reengagement_campaign`.
    static func seed(_ store: any FullStore, organization: OrganizationID) async throws -> Insight {
        let now = Timestamp(Date())
        var points: [MetricPoint] = []
        for hour in 1...6 {
            let time = now.adding(seconds: -Int64(hour) * 3_600)
            for i in 0..<12 {
                let tags = ["customer_id": "cust-\(i)", "segment": "smb", "plan": "starter"]
                points.append(MetricPoint(metricName: "churn_risk_score", timestamp: time, value: Double(i) / 12, tags: tags))
                points.append(MetricPoint(metricName: "mrr", timestamp: time, value: 50 * Double(i + 1), tags: tags))
            }
        }
        _ = try await store.append([PointBatch(organization: organization, points: points)])
        let insight = Insight(id: UUID().uuidString.lowercased(), organization: organization, kind: .segmentContribution,
                              metricName: "customer_activity", segment: InsightSegment(dimension: "segment", value: "smb"), severity: .high,
                              confidence: 0.8, title: "SMB activity fell", narrative: "Most of the fall comes from segment smb.",
                              evidence: ["share_of_change": .number(0.8), "total_change": .number(-12)], revenueImpact: nil, firstSeen: now, lastSeen: now,
                              expiresAt: now.adding(seconds: 86_400))
        _ = try await store.saveInsights([insight], organization: organization, at: now)
        return insight
    }

    static func list(_ response: TestResponse) throws -> [[String: Any]] {
        try #require(try response.json["recommendations"] as? [[String: Any]], "\(String(buffer: response.body))")
    }

    @Test("a run makes the playbook's recommendation with ROI and its chain; only the owner sees or decides it",
          arguments: TestBackend.durable)
    func runListAndChain(_ backend: TestBackend) async throws {
        try await APITestHarness.run(backend: backend) { harness, client in
            let insight = try await Self.seed(harness.store, organization: harness.organizationA)
            let runner = try #require(harness.recommendations)
            let run = try await runner.run(organization: harness.organizationA, asOf: Timestamp(Date()))
            #expect(run.fired == ["smb_reengagement_campaign"], "\(run.fired)")

            let listed = try Self.list(try await client.send(.get, "/api/v1/recommendations", key: harness.keyA))
            #expect(listed.count == 1)
            let item = try #require(listed.first)
            #expect(item["rule_id"] as? String == "smb_reengagement_campaign" && item["category"] as? String == "re_engagement_campaign")
            #expect(item["status"] as? String == "open")
            // Affected: risk ≥ 0.3 → cust-4 … cust-11 (8 customers).
            #expect(item["affected_customers"] as? Int == 8)
            #expect((item["customers"] as? [String])?.first == "cust-11")
            let target = try #require(item["target"] as? [String: Any])
            #expect((target["segment"] as? [String: String]) == ["dimension": "segment", "value": "smb"])
            let roi = try #require(item["roi"] as? [String: Any])
            let expected = try #require(roi["expected"] as? [String: Any])
            // 3 months × Σ 50(i+1) × i/12 for i = 4…11 = 3 × 50 × 552 / 12 = 6,900 at risk; 12% saved = 828;
            // cost 250 + 2 × 8 = 266.
            #expect(expected["revenue_at_risk"] as? Double == 6_900 && expected["saved_revenue"] as? Double == 828)
            #expect(expected["cost"] as? Double == 266 && item["expected_value"] as? Double == 562)
            #expect(roi["currency"] as? String == "USD" && roi["horizon_days"] as? Int == 90 && (roi["assumptions"] as? [String])?.count == 5)
            #expect(item["insight_ids"] as? [String] == [insight.id])
            #expect(item["outcome"] is NSNull && item["accepted_at"] == nil)
            let id = try #require(item["id"] as? String)

            let one = try await client.send(.get, "/api/v1/recommendations/\(id)", key: harness.keyA)
            #expect(one.status == .ok)
            let chain = try #require(try one.json["chain"] as? [String: Any])
            let chained = try #require(chain["insights"] as? [[String: Any]])
            #expect(chained.map { $0["id"] as? String } == [insight.id] && chained.first?["narrative"] as? String == insight.narrative)
            #expect((chain["anomalies"] as? [Any])?.isEmpty == true)

            // Organization B: nothing listed, not found by id, cannot accept or dismiss.
            #expect(try Self.list(try await client.send(.get, "/api/v1/recommendations", key: harness.keyB)).isEmpty)
            #expect(try await client.send(.get, "/api/v1/recommendations/\(id)", key: harness.keyB).status == .notFound)
            let theirAccept = try await client.send(.post, "/api/v1/recommendations/\(id)/accept", key: harness.keyB, json: "{}")
            #expect(theirAccept.status == .notFound && !String(buffer: theirAccept.body).contains("cust-"))
            let theirDismiss = try await client.send(.post, "/api/v1/recommendations/\(id)/dismiss", key: harness.keyB, json: #"{"reason":"x"}"#)
            #expect(theirDismiss.status == .notFound)
            let theirRun = try await runner.run(organization: harness.organizationB, asOf: Timestamp(Date()))
            #expect(theirRun.fired.isEmpty && theirRun.recommendations.isEmpty)
            #expect(try await client.send(.get, "/api/v1/recommendations/\(id)", key: harness.keyA).json["status"] as? String == "open",
                    "B's attempts changed nothing")
        }
    }

    @Test("accept and dismiss: recorded, repeatable, final (409 across), the listing follows; bad bodies and filters refused",
          arguments: TestBackend.durable)
    func decisions(_ backend: TestBackend) async throws {
        try await APITestHarness.run(backend: backend) { harness, client in
            _ = try await Self.seed(harness.store, organization: harness.organizationA)
            let runner = try #require(harness.recommendations)
            let made = try #require(try await runner.run(organization: harness.organizationA, asOf: Timestamp(Date())).created.first)
            var other = made
            other.id = UUID().uuidString.lowercased()
            other.ruleID = "mid_market_success_calls"
            other.category = .successCall
            other.expectedValue = -10_000
            _ = try await harness.store.saveRecommendations([other], organization: harness.organizationA, at: made.createdAt)
            let base = "/api/v1/recommendations/\(made.id)"
            // The listing is cached; a decision clears it.
            #expect(try Self.list(try await client.send(.get, "/api/v1/recommendations", key: harness.keyA)).count == 2)

            let bad: [(String, String, String)] = [
                (#"{"customers": []}"#, "customers", "invalid_acceptance"),
                (#"{"customers": ["cust-0"]}"#, "customers", "invalid_acceptance"),   // not an affected customer
                (#"{"customers": ["cust-5", "cust-5"]}"#, "customers", "invalid_acceptance"),
                (#"{"customers": [7]}"#, "customers", "invalid_acceptance"),
                (#"{"note": 3}"#, "note", "invalid_acceptance"),
                (#"{"who": "me"}"#, "who", "invalid_acceptance"),
            ]
            for (body, field, code) in bad {
                let response = try await client.send(.post, "\(base)/accept", key: harness.keyA, json: body)
                #expect(response.status == .unprocessableContent && response.errorCode == code, "\(body): \(String(buffer: response.body))")
                #expect(String(buffer: response.body).contains("\"field\":\"\(field)\""), "\(body): \(String(buffer: response.body))")
            }
            #expect(try await client.send(.post, "\(base)/accept", key: harness.keyA, json: "[1").status == .badRequest)
            #expect(try await client.send(.post, "/api/v1/recommendations/nope/accept", key: harness.keyA, json: "{}").status == .notFound)

            let accepted = try await client.send(.post, "\(base)/accept", key: harness.keyA, json: #"{"customers": ["cust-11", "cust-9"], "note": "Q3 campaign"}"#)
            #expect(accepted.status == .ok, "\(String(buffer: accepted.body))")
            #expect(try accepted.json["status"] as? String == "accepted" && accepted.json["treated_customers"] as? [String] == ["cust-11", "cust-9"])
            #expect(try accepted.json["accepted_at"] is String && accepted.json["accept_note"] as? String == "Q3 campaign")
            let again = try await client.send(.post, "\(base)/accept", key: harness.keyA)
            #expect(again.status == .ok && String(buffer: again.body) == String(buffer: accepted.body), "accepting again changes nothing")
            let refused = try await client.send(.post, "\(base)/dismiss", key: harness.keyA, json: #"{"reason": "changed my mind"}"#)
            #expect(refused.status == .conflict && refused.errorCode == "recommendation_decided")

            let otherBase = "/api/v1/recommendations/\(other.id)"
            for body in ["{}", #"{"reason": ""}"#, #"{"reason": "   "}"#, #"{"reason": "\#(String(repeating: "r", count: 501))"}"#,
                         #"{"reason": "ok", "extra": 1}"#] {
                let response = try await client.send(.post, "\(otherBase)/dismiss", key: harness.keyA, json: body)
                #expect(response.status == .unprocessableContent && response.errorCode == "invalid_dismissal", "\(body)")
            }
            #expect(try await client.send(.post, "\(otherBase)/dismiss", key: harness.keyA).status == .badRequest, "a reason is required: no body")
            let dismissed = try await client.send(.post, "\(otherBase)/dismiss", key: harness.keyA, json: #"{"reason": "no budget this quarter"}"#)
            #expect(try dismissed.status == .ok && dismissed.json["status"] as? String == "dismissed"
                    && dismissed.json["dismiss_reason"] as? String == "no budget this quarter")
            #expect(try await client.send(.post, "\(otherBase)/accept", key: harness.keyA, json: "{}").status == .conflict)

            let byStatus = try Self.list(try await client.send(.get, "/api/v1/recommendations?status=accepted", key: harness.keyA))
            #expect(byStatus.map { $0["id"] as? String } == [made.id])
            let byCategory = try Self.list(try await client.send(.get, "/api/v1/recommendations?category=success_call", key: harness.keyA))
            #expect(byCategory.map { $0["id"] as? String } == [other.id])
            let all = try Self.list(try await client.send(.get, "/api/v1/recommendations?limit=5", key: harness.keyA))
            #expect(all.map { $0["id"] as? String } == [made.id, other.id], "ranked by expected value")
            for query in ["status=closed", "category=refund", "limit=0", "limit=1001", "limit=x"] {
                let response = try await client.send(.get, "/api/v1/recommendations?\(query)", key: harness.keyA)
                #expect(response.status == .unprocessableContent && response.errorCode == "invalid_query", "\(query)")
            }
            // A later run does not reopen or repeat a decided recommendation.
            let rerun = try await runner.run(organization: harness.organizationA, asOf: Timestamp(Date()))
            #expect(rerun.created.isEmpty && rerun.recommendations.first?.status == .accepted)
        }
    }
}
