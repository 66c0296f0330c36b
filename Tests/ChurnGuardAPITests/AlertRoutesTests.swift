import ChurnGuardEngine
import ChurnGuardBootstrap
import ChurnGuardCore
import ChurnGuardStorage
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import Testing

@Suite("Alert routes")
struct AlertRoutesTests {
    static let rules = "/api/v1/analytics/alert-rules"

    /// The `field` of every error detail of an error answer.
    static func errorFields(_ response: TestResponse) throws -> Set<String> {
        let error = try response.json["error"] as? [String: Any]
        let details = error?["details"] as? [[String: Any]] ?? []
        return Set(details.compactMap { $0["field"] as? String })
    }

    /// The ids of a rule listing.
    static func ruleIDs(_ response: TestResponse) throws -> [String] {
        let rules = try response.json["rules"] as? [[String: Any]] ?? []
        return rules.compactMap { $0["id"] as? String }
    }

    @Test("rules: defaults listed, an organization's own rules put, validated, listed, overriding and deleted", arguments: TestBackend.available)
    func rulesLifecycle(backend: TestBackend) async throws {
        try await APITestHarness.run(backend: backend) { harness, client in
            let initial = try await client.send(.get, Self.rules, key: harness.keyA)
            #expect(try Self.ruleIDs(initial) == ["default.churn_risk_score", "default.customer_activity"])
            let defaults = try initial.json["rules"] as? [[String: Any]] ?? []
            #expect(defaults.allSatisfy { $0["source"] as? String == "default" })
            let put = try await client.send(.put, Self.rules + "/login-drop", key: harness.keyA,
                                            json: #"{"metric_name":"logins","below":2,"severity":"low","for":"10m","tags":{"segment":"smb"}}"#)
            #expect(put.status == .ok)
            let forSeconds = try put.json["for_seconds"] as? Int
            #expect(forSeconds == 600)
            let off = try await client.send(.put, Self.rules + "/default.customer_activity", key: harness.keyA,
                                            json: #"{"metric_name":"customer_activity","below":50,"severity":"medium","enabled":false}"#)
            #expect(off.status == .ok)
            let listedAnswer = try await client.send(.get, Self.rules, key: harness.keyA)
            #expect(try Self.ruleIDs(listedAnswer) == ["default.churn_risk_score", "default.customer_activity", "login-drop"])
            let listed = try listedAnswer.json["rules"] as? [[String: Any]] ?? []
            #expect(listed.count == 3)
            if listed.count == 3 {
                #expect(listed[1]["enabled"] as? Bool == false)
                #expect(listed[1]["source"] as? String == "organization")
            }
            let other = try await client.send(.get, Self.rules, key: harness.keyB)
            #expect(try Self.ruleIDs(other).count == 2, "B keeps only the defaults")
            let bad = try await client.send(.put, Self.rules + "/x", key: harness.keyA,
                                            json: #"{"metric_name":"","above":true,"below":1,"severity":"urgent","for":"soon","tags":{"k":3},"extra":1}"#)
            #expect(bad.status.code == 422)
            let fields = try Self.errorFields(bad)
            #expect(fields.isSuperset(of: ["metric_name", "severity", "for", "tags.k", "extra"]), "\(fields)")
            let badID = try await client.send(.put, Self.rules + "/BAD%20ID", key: harness.keyA,
                                              json: #"{"metric_name":"m","above":1,"severity":"low"}"#)
            #expect(badID.status.code == 422)
            let duplicate = try await client.send(.put, Self.rules, key: harness.keyA,
                json: #"{"rules":[{"id":"a","metric_name":"m","above":1,"severity":"low"},{"id":"a","metric_name":"m","above":2,"severity":"low"}]}"#)
            #expect(duplicate.status.code == 422)
            let deleted = try await client.send(.delete, Self.rules + "/login-drop", key: harness.keyA)
            #expect(deleted.status == .noContent)
            let again = try await client.send(.delete, Self.rules + "/login-drop", key: harness.keyA)
            #expect(again.status == .notFound)
            let deleteDefault = try await client.send(.delete, Self.rules + "/default.churn_risk_score", key: harness.keyB)
            #expect(deleteDefault.status == .notFound)
            let replaced = try await client.send(.put, Self.rules, key: harness.keyA,
                                                 json: #"{"rules":[{"id":"only","metric_name":"mrr","below":10,"severity":"critical"}]}"#)
            #expect(try Self.ruleIDs(replaced) == ["default.churn_risk_score", "default.customer_activity", "only"])
        }
    }

    @Test("an alert fires from posted points, is acknowledged and snoozed with history, resolves, and is scoped to its organization",
          arguments: TestBackend.available)
    func alertActions(backend: TestBackend) async throws {
        try await APITestHarness.run(backend: backend) { harness, client in
            let point = { (value: Double, second: Int) in
                #"{"points":[{"metric_name":"churn_risk_score","timestamp":\#(1_795_939_200 + second),"value":\#(value),"tags":{"customer_id":"c7"}}]}"#
            }
            #expect(try await client.send(.post, "/api/v1/analytics/metrics", key: harness.keyA, json: point(0.95, 0)).status == .ok)
            let firing = try await eventually("the alert") { () -> [String: Any]? in
                let answer = try await client.send(.get, "/api/v1/analytics/alerts?state=firing&metric=churn_risk_score", key: harness.keyA)
                return (try answer.json["alerts"] as? [[String: Any]])?.first
            }
            let id = try #require(firing["id"] as? String)
            #expect(firing["customer_id"] as? String == "c7")
            #expect(firing["severity"] as? String == "high")
            let acked = try await client.send(.post, "/api/v1/analytics/alerts/\(id)/ack", key: harness.keyA, json: #"{"comment":"calling the customer"}"#)
            #expect(acked.status == .ok)
            #expect(try acked.json["acknowledge_comment"] as? String == "calling the customer")
            let until = Timestamp(Date()).adding(seconds: 3600).description
            let snoozed = try await client.send(.post, "/api/v1/analytics/alerts/\(id)/snooze", key: harness.keyA, json: #"{"until":"\#(until)"}"#)
            #expect(snoozed.status == .ok)
            #expect(try snoozed.json["snoozed_until"] as? String == until)
            let past = try await client.send(.post, "/api/v1/analytics/alerts/\(id)/snooze", key: harness.keyA, json: #"{"until":"2020-01-01T00:00:00Z"}"#)
            #expect(past.status.code == 422)
            #expect(try await client.send(.post, "/api/v1/analytics/alerts/\(id)/ack", key: harness.keyB, json: "{}").status == .notFound)
            #expect(try await client.send(.get, "/api/v1/analytics/alerts/\(id)", key: harness.keyB).status == .notFound)
            // 0.78 is inside the hysteresis band (0.8 − 0.04): still firing; 0.5 resolves.
            #expect(try await client.send(.post, "/api/v1/analytics/metrics", key: harness.keyA, json: point(0.78, 60)).status == .ok)
            #expect(try await client.send(.post, "/api/v1/analytics/metrics", key: harness.keyA, json: point(0.5, 120)).status == .ok)
            let resolved = try await eventually("the resolution") { () -> [String: Any]? in
                let answer = try await client.send(.get, "/api/v1/analytics/alerts/\(id)", key: harness.keyA)
                return try answer.json["state"] as? String == "resolved" ? answer.json : nil
            }
            let history = try #require(resolved["history"] as? [[String: Any]])
            #expect(history.compactMap { $0["event"] as? String } == ["pending", "firing", "acknowledged", "snoozed", "resolved"])
            #expect(history.last?["value"] as? Double == 0.5)
            #expect(try await client.send(.get, "/api/v1/analytics/alerts?state=bogus", key: harness.keyA).status.code == 422)
            #expect(try await client.send(.get, "/api/v1/analytics/alerts/nope", key: harness.keyA).status == .notFound)
        }
    }

    @Test("after a restart an open alert is continued, not duplicated", arguments: TestBackend.durable)
    func restartKeepsOpenAlert(backend: TestBackend) async throws {
        try await backend.withStore { store in
            _ = try await store.migrate()
            let org = try await OrganizationAdmin(store: store).createOrganization(name: "alerts-restart", tier: .default)
            var configuration = AppConfiguration()
            configuration.host = "127.0.0.1"
            configuration.port = 0
            var logger = Logger(label: "alert-test")
            logger.logLevel = .warning
            let backends = Backends.single(store, name: backend.rawValue)
            let body = #"{"points":[{"metric_name":"churn_risk_score","timestamp":1795939200,"value":0.9,"tags":{"customer_id":"c1"}}]}"#
            let first = try await ApplicationBuilder.build(configuration: configuration, backends: backends, logger: logger)
            try await first.application.test(.live) { client in
                #expect(try await client.send(.post, "/api/v1/analytics/metrics", key: org.apiKey, json: body).status == .ok)
                _ = try await eventually("the alert") { () -> Bool? in
                    try await store.alerts(AlertQuery(states: [.firing]), organization: org.organization.id).isEmpty ? nil : true
                }
            }
            // Before serving, the restarted server re-evaluates the rebuilt window (still 0.9):
            // without the stored open alert it would open a second one.
            let second = try await ApplicationBuilder.build(configuration: configuration, backends: backends, logger: logger)
            try await second.application.test(.live) { client in
                #expect(await second.alerts.openCount == 1)
                let all = try await client.send(.get, "/api/v1/analytics/alerts", key: org.apiKey)
                let alerts = try #require(try all.json["alerts"] as? [[String: Any]])
                #expect(alerts.count == 1, "\(alerts)")
                #expect(alerts.first?["state"] as? String == "firing")
            }
        }
    }
}
