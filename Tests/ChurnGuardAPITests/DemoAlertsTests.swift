import ChurnGuardCore
import ChurnGuardEngine
import ChurnGuardStorage
import Foundation
import Logging
import Testing
@testable import ChurnGuardBootstrap

@Suite("Demo alerts")
struct DemoAlertsTests {
    @Test("the demo rules fire on the planted incidents (replay of the full 45-day, 500-customer dataset)")
    func rulesFireOnIncidents() async throws {
        let dataset = DemoDataset(start: Timestamp(seconds: 1_760_000_400))
        let store = InMemoryStore()
        let organization = OrganizationID.random()
        let raised = try await DemoAlerts.seed(dataset, organization: organization, store: store, now: Timestamp(seconds: 1_764_000_000))
        let alerts = try await store.alerts(AlertQuery(limit: 10_000), organization: organization)
        #expect(raised == alerts.count)
        let incidentOf = ["demo.mid-market-churn-surge": "mid_market_churn_risk_surge", "demo.support-ticket-spike": "support_ticket_spike"]
        for rule in DemoAlerts.rules {
            let incident = try #require(DemoDataset.incidents.first { $0.name == incidentOf[rule.id] })
            let fired = alerts.filter { $0.ruleID == rule.id }.compactMap(\.firedAt)
            let hours = fired.map { Int(($0.microseconds - dataset.start.microseconds) / 3_600_000_000) }
            let inside = hours.filter { incident.contains($0) }.count
            #expect(inside >= 10, "\(rule.id): \(inside) alerts fired during \(incident.name)")
            #expect(Double(inside) >= 0.8 * Double(hours.count), "\(rule.id): \(hours.count - inside) of \(hours.count) fired outside it")
        }
        #expect(try await store.alertRules(organization: organization).map(\.id) == DemoAlerts.rules.map(\.id).sorted())
        let sample = try #require(alerts.first { $0.state == .resolved })
        let history = try await store.alertHistory(id: sample.id, organization: organization).map(\.event)
        #expect(history == [.pending, .firing, .resolved], "the incident's real lifecycle: \(history)")
        #expect(alerts.allSatisfy { $0.customerID != nil }, "grouped per customer")
    }

    @Test("serve --demo: firing alerts and the incidents' alerts are in the API as soon as the server answers")
    func demoServer() async throws {
        let store = InMemoryStore()
        let backends = Backends.single(store, name: "memory")
        let seeded = try await DemoSeeder(backends: backends).seed(days: 45, customers: 120)
        #expect(seeded.alertsRaised > 0)
        var configuration = AppConfiguration()
        configuration.host = "127.0.0.1"
        configuration.port = 0
        var logger = Logger(label: "demo-test")
        logger.logLevel = .warning
        let built = try await ApplicationBuilder.build(configuration: configuration, backends: backends, logger: logger)
        try await built.application.test(.live) { client in
            let firing = try await client.send(.get, "/api/v1/analytics/alerts?state=firing", key: seeded.apiKey)
            let open = try #require(try firing.json["alerts"] as? [[String: Any]])
            #expect(!open.isEmpty, "the default rules fire at start-up on the rebuilt windows (churn risk above 0.8)")
            let tickets = try await client.send(.get, "/api/v1/analytics/alerts?metric=support_tickets", key: seeded.apiKey)
            let incident = try #require(try tickets.json["alerts"] as? [[String: Any]])
            #expect(!incident.isEmpty && incident.allSatisfy { $0["rule_id"] as? String == "demo.support-ticket-spike" })
            let rules = try await client.send(.get, "/api/v1/analytics/alert-rules", key: seeded.apiKey)
            let ids = ((try rules.json["rules"] as? [[String: Any]]) ?? []).compactMap { $0["id"] as? String }
            #expect(ids.contains("demo.support-ticket-spike") && ids.contains("default.churn_risk_score"))
        }
    }
}
