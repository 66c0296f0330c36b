import ChurnGuardBootstrap
import ChurnGuardCore
import ChurnGuardStorage
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing

@Suite("Notification routes")
struct NotificationRoutesTests {
    static let routes = "/api/v1/notifications/routes"
    static let secret = "whsec-do-not-leak-0123456789"
    static let slackToken = "T0001/B0001/do-not-leak-token"

    static func errorFields(_ response: TestResponse) throws -> Set<String> {
        let error = try response.json["error"] as? [String: Any]
        return Set((error?["details"] as? [[String: Any]] ?? []).compactMap { $0["field"] as? String })
    }

    @Test("the guide's variables are every organization's default routes, shown without their token", arguments: TestBackend.durable)
    func defaults(_ backend: TestBackend) async throws {
        try await APITestHarness.run(backend: backend, configure: {
            $0.notifications.slackWebhookURL = "https://hooks.slack.com/services/\(Self.slackToken)"
            $0.notifications.smtpHost = "mail.example.com"
            $0.notifications.emailTo = ["ops@example.com"]
        }) { harness, client in
            let response = try await client.send(.get, Self.routes, key: harness.keyA)
            #expect(response.status == .ok)
            let text = String(buffer: response.body)
            #expect(!text.contains("do-not-leak"), "\(text)")
            let body = try response.json
            #expect(body["source"] as? String == "default")
            let routes = try #require(body["routes"] as? [[String: Any]])
            #expect(routes.compactMap { $0["id"] as? String } == ["default-slack", "default-email"])
            #expect(routes[0]["url"] as? String == "https://hooks.slack.com/…")
            #expect(routes[1]["email_to"] as? [String] == ["ops@example.com"])
            // monitoring.alert_on_errors (on by default): the defaults also take the service's own errors.
            #expect(routes[0]["events"] as? [String] == ["alert.firing", "alert.resolved", "service.error"])
        }
    }

    @Test("routes are replaced, validated field by field, kept per organization, and secrets never come back", arguments: TestBackend.durable)
    func replace(_ backend: TestBackend) async throws {
        try await APITestHarness.run(backend: backend) { harness, client in
            let body = """
                {"routes":[
                  {"id":"ops-hook","channel":"webhook","url":"https://hooks.example.com/churn/\(Self.slackToken)","secret":"\(Self.secret)",
                   "events":["alert.firing"],"minimum_severity":"high"},
                  {"id":"cs-mail","channel":"email","email_to":["cs@example.com"],"enabled":false},
                  {"id":"team-slack","channel":"slack","url":"https://hooks.slack.com/services/\(Self.slackToken)",
                   "events":["recommendation.created"],"minimum_value":2500.5}
                ]}
                """
            let put = try await client.send(.put, Self.routes, key: harness.keyA, json: body)
            #expect(put.status == .ok, "\(String(buffer: put.body))")
            let text = String(buffer: put.body)
            #expect(!text.contains("do-not-leak") && !text.contains(Self.secret), "\(text)")
            let routes = try #require(try put.json["routes"] as? [[String: Any]])
            #expect(routes.compactMap { $0["id"] as? String } == ["cs-mail", "ops-hook", "team-slack"])
            #expect(routes[1]["secret_set"] as? Bool == true && routes[1]["minimum_severity"] as? String == "high")
            #expect(routes[1]["url"] as? String == "https://hooks.example.com/…")
            #expect(routes[0]["enabled"] as? Bool == false)
            #expect(routes[2]["minimum_value"] as? Double == 2_500.5 && routes[2]["events"] as? [String] == ["recommendation.created"])
            #expect(routes[1]["minimum_value"] == nil, "no minimum: left out")
            let stored = try #require(try await harness.store.notificationRoutes(organization: harness.organizationA))
            #expect(stored.first { $0.id == "ops-hook" }?.secret == Self.secret)

            // Putting the listing back (no secret in it) keeps the stored secret.
            let again = try await client.send(.put, Self.routes, key: harness.keyA, json: """
                {"routes":[{"id":"ops-hook","channel":"webhook","url":"https://hooks.example.com/churn/v2"}]}
                """)
            #expect(again.status == .ok, "\(String(buffer: again.body))")
            let kept = try await harness.store.notificationRoutes(organization: harness.organizationA)
            #expect(kept?.map(\.id) == ["ops-hook"] && kept?.first?.secret == Self.secret)

            let other = try await client.send(.get, Self.routes, key: harness.keyB)
            #expect(try other.json["source"] as? String == "default")
            #expect(try (other.json["routes"] as? [Any])?.isEmpty == true)

            let invalid = try await client.send(.put, Self.routes, key: harness.keyA, json: """
                {"routes":[
                  {"id":"Bad Id","channel":"pager"},
                  {"id":"hook2","channel":"webhook","url":"ftp://example.com"},
                  {"id":"hook3","channel":"webhook","url":"https://example.com/x","secret":"short"},
                  {"id":"mail","channel":"email","email_to":["not-an-address"],"colour":"red"},
                  {"id":"s","channel":"slack","events":["alert.exploded"],"minimum_severity":"urgent"},
                  {"id":"v","channel":"slack","events":["recommendation.created"],"minimum_value":-1},
                  {"id":"w","channel":"slack","minimum_value":"1000"}
                ]}
                """)
            #expect(invalid.status == .unprocessableContent)
            #expect(try Self.errorFields(invalid) == [
                "routes[0].id", "routes[0].channel", "routes[1].url", "routes[1].secret", "routes[2].secret", "routes[3].email_to",
                "routes[3].colour", "routes[4].events", "routes[4].minimum_severity", "routes[5].minimum_value", "routes[6].minimum_value",
            ])
            #expect(try await harness.store.notificationRoutes(organization: harness.organizationA)?.map(\.id) == ["ops-hook"], "nothing stored")
            let notJSON = try await client.send(.put, Self.routes, key: harness.keyA, json: "{")
            #expect(notJSON.status.code == 400)
        }
    }

    @Test("a test send is queued for the route and listed among the deliveries of its organization only", arguments: TestBackend.durable)
    func testSend(_ backend: TestBackend) async throws {
        try await APITestHarness.run(backend: backend) { harness, client in
            let none = try await client.send(.post, "/api/v1/notifications/test", key: harness.keyA)
            #expect(none.status == .conflict && none.errorCode == "no_routes")
            _ = try await client.send(.put, Self.routes, key: harness.keyA, json: """
                {"routes":[{"id":"ops-hook","channel":"webhook","url":"https://hooks.example.com/a","secret":"\(Self.secret)"}]}
                """)
            let unknown = try await client.send(.post, "/api/v1/notifications/test", key: harness.keyA, json: #"{"route_id":"nope"}"#)
            #expect(unknown.status == .notFound)
            let sent = try await client.send(.post, "/api/v1/notifications/test", key: harness.keyA, json: #"{"route_id":"ops-hook"}"#)
            #expect(sent.status == .accepted, "\(String(buffer: sent.body))")
            let queued = try #require(try sent.json["queued"] as? [[String: Any]])
            #expect(queued.count == 1 && queued[0]["route_id"] as? String == "ops-hook" && queued[0]["kind"] as? String == "test")
            let listed = try await client.send(.get, "/api/v1/notifications/deliveries?state=pending", key: harness.keyA)
            let deliveries = try #require(try listed.json["deliveries"] as? [[String: Any]])
            #expect(deliveries.count == 1 && deliveries[0]["id"] as? String == queued[0]["id"] as? String)
            #expect(deliveries[0]["attempts"] as? Int == 0 && deliveries[0]["state"] as? String == "pending")
            let others = try await client.send(.get, "/api/v1/notifications/deliveries", key: harness.keyB)
            #expect(try (others.json["deliveries"] as? [Any])?.isEmpty == true)
            let bad = try await client.send(.get, "/api/v1/notifications/deliveries?state=lost&limit=0", key: harness.keyA)
            #expect(bad.status == .unprocessableContent)
            #expect(try Self.errorFields(bad) == ["state", "limit"])
        }
    }
}
