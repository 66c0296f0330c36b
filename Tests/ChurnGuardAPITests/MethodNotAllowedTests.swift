import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing

/// A served path with a method it does not serve is 405 with `Allow`, over HTTP.
@Suite struct MethodNotAllowedTests {
    @Test("unsupported methods on served paths are 405 with Allow; unknown paths and unknown ids stay 404")
    func methodNotAllowed() async throws {
        try await APITestHarness.run { harness, client in
            let trace = try await client.send(.init("TRACE")!, "/health", key: nil)
            #expect(trace.status == .methodNotAllowed)
            #expect(trace.headers[.allow] == "GET")
            #expect(try trace.json["error"].flatMap { ($0 as? [String: Any])?["code"] as? String } == "method_not_allowed")

            let delete = try await client.send(.delete, "/api/v1/analytics/metrics", key: harness.keyA)
            #expect(delete.status == .methodNotAllowed)
            #expect(delete.headers[.allow] == "GET, POST")

            let templated = try await client.send(.post, "/api/v1/analytics/alerts/some-id", key: harness.keyA, json: "{}")
            #expect(templated.status == .methodNotAllowed)
            #expect(templated.headers[.allow] == "GET")

            // A literal segment wins over a parameter: /anomalies/detect is POST only, not
            // also the GET of /anomalies/{id}.
            let literal = try await client.send(.delete, "/api/v1/analytics/anomalies/detect", key: harness.keyA)
            #expect(literal.status == .methodNotAllowed)
            #expect(literal.headers[.allow] == "POST")

            #expect(try await client.send(.get, "/no/such/route", key: nil).status == .notFound)
            #expect(try await client.send(.get, "/api/v1/analytics/alerts/no-such-alert", key: harness.keyA).status == .notFound)
            #expect(try await client.send(.get, "/health", key: nil).status == .ok)
        }
    }
}
