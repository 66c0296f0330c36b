import ChurnGuardBootstrap
import ChurnGuardCore
import ChurnGuardEngine
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing

@Suite("Idempotent ingest over HTTP")
struct IdempotentIngestTests {
    static let header = HTTPField.Name("Idempotency-Key")!

    func post(_ client: some TestClientProtocol, key: String, idempotencyKey: String?, body: String) async throws -> TestResponse {
        var headers = HTTPFields()
        headers[HTTPField.Name("X-API-Key")!] = key
        headers[.contentType] = "application/json"
        if let idempotencyKey { headers[Self.header] = idempotencyKey }
        return try await client.execute(uri: "/api/v1/analytics/metrics", method: .post, headers: headers, body: ByteBuffer(string: body))
    }

    func storedCount(_ client: some TestClientProtocol, key: String, metric: String = "churn_risk_score") async throws -> Int {
        let page = try await client.send(.get, "/api/v1/analytics/metrics/\(metric)/points?limit=1000", key: key)
        return try #require(try page.json["points"] as? [Any]).count
    }

    @Test("a retry with the same key and body is answered like the first and stores nothing again; another body is 422",
          arguments: TestBackend.durable)
    func replay(_ backend: TestBackend) async throws {
        try await APITestHarness.run(backend: backend) { harness, client in
            let body = batch(count: 2)
            let first = try await post(client, key: harness.keyA, idempotencyKey: "order-123", body: body)
            #expect(first.status == .ok)
            #expect(String(buffer: first.body) == #"{"accepted":2}"#)
            #expect(first.headers[HTTPField.Name("Idempotent-Replayed")!] == nil)
            let retry = try await post(client, key: harness.keyA, idempotencyKey: "order-123", body: body)
            #expect(retry.status == .ok)
            #expect(String(buffer: retry.body) == #"{"accepted":2}"#)
            #expect(retry.headers[HTTPField.Name("Idempotent-Replayed")!] == "true")
            #expect(try await storedCount(client, key: harness.keyA) == 2)

            let reused = try await post(client, key: harness.keyA, idempotencyKey: "order-123", body: batch(count: 3))
            #expect(reused.status == .unprocessableContent)
            #expect(reused.errorCode == "idempotency_key_reused")
            #expect(try await storedCount(client, key: harness.keyA) == 2)

            // Keys belong to an organization: B's identical key stores B's batch.
            #expect(try await post(client, key: harness.keyB, idempotencyKey: "order-123", body: body).status == .ok)
            #expect(try await storedCount(client, key: harness.keyB) == 2)
            // Without a key every request stores.
            #expect(try await post(client, key: harness.keyA, idempotencyKey: nil, body: body).status == .ok)
            #expect(try await storedCount(client, key: harness.keyA) == 4)
        }
    }

    @Test("concurrent retries of one request store it exactly once", arguments: TestBackend.durable)
    func concurrentRetries(_ backend: TestBackend) async throws {
        try await APITestHarness.run(backend: backend) { harness, client in
            let body = batch(count: 5)
            let statuses = try await withThrowingTaskGroup(of: (HTTPResponse.Status, String).self) { group in
                for _ in 0..<16 {
                    group.addTask { let r = try await post(client, key: harness.keyA, idempotencyKey: "burst", body: body); return (r.status, String(buffer: r.body)) }
                }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            #expect(statuses.allSatisfy { $0.0 == .ok && $0.1 == #"{"accepted":5}"# }, "\(statuses)")
            #expect(try await storedCount(client, key: harness.keyA) == 5)
        }
    }

    @Test("a malformed key is 422 naming the header, and nothing is stored")
    func malformedKey() async throws {
        try await APITestHarness.run(backend: .sqlite) { harness, client in
            for key in ["has space", String(repeating: "k", count: 256), "tab\there"] {
                let response = try await post(client, key: harness.keyA, idempotencyKey: key, body: batch(count: 1))
                #expect(response.status == .unprocessableContent, "\(key)")
                #expect(response.errorCode == "invalid_idempotency_key")
            }
            #expect(try await storedCount(client, key: harness.keyA) == 0)
        }
    }
}
