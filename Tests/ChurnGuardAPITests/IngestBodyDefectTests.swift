import ChurnGuardCore
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing

/// Issue #9, defects 3 and 7 (b, c) through HTTP: bodies whose meaning used to be
/// ambiguous or silently altered, and a body that used to cost gigabytes.
@Suite("Ingest bodies: duplicates, ill-formed UTF-8, huge point counts")
struct IngestBodyDefectTests {
    static func post(_ client: any TestClientProtocol, key: String, bytes: [UInt8]) async throws -> TestResponse {
        var headers: HTTPFields = [:]
        headers[HTTPField.Name("X-API-Key")!] = key
        headers[.contentType] = "application/json"
        return try await client.execute(uri: "/api/v1/analytics/metrics", method: .post, headers: headers,
                                        body: ByteBuffer(bytes: bytes))
    }

    static func errorMessage(_ response: TestResponse) -> String {
        ((try? response.json["error"] as? [String: Any])?["message"] as? String) ?? ""
    }

    @Test("duplicate keys are 400 and nothing is stored: two \"points\", two \"value\", two tag keys", arguments: [
        #"{"points":[{"metric_name":"a","timestamp":1795939200,"value":1}],"points":[{"metric_name":"b","timestamp":1795939200,"value":2}]}"#,
        #"{"points":[{"metric_name":"a","timestamp":1795939200,"value":1,"value":2}]}"#,
        #"{"points":[{"metric_name":"a","timestamp":1795939200,"value":1,"tags":{"segment":"smb","segment":"ent"}}]}"#,
        #"{"points":[{"metric_name":"a","timestamp":1795939200,"value":1,"metadata":{"source":"crm","source":"x"}}]}"#,
        #"{"client":{"v":1,"v":2},"points":[{"metric_name":"a","timestamp":1795939200,"value":1}]}"#,
    ])
    func duplicateKeys(_ body: String) async throws {
        try await APITestHarness.run { harness, client in
            let response = try await Self.post(client, key: harness.keyA, bytes: Array(body.utf8))
            #expect(response.status == .badRequest)
            #expect(response.errorCode == "malformed_json")
            #expect(Self.errorMessage(response).contains("duplicate key"), "\(Self.errorMessage(response))")
            #expect(try await harness.store.metrics(organization: harness.organizationA).isEmpty)
        }
    }

    @Test("ill-formed UTF-8 inside a string is 400 naming its byte offset, never replaced with U+FFFD")
    func invalidUTF8() async throws {
        try await APITestHarness.run { harness, client in
            let prefix = Array(#"{"points":[{"metric_name":"m","timestamp":1795939200,"value":1,"tags":{"segment":"a"#.utf8)
            for bad: [UInt8] in [[0xFF], [0xC3], [0xC0, 0xAF], [0xED, 0xA0, 0x80], [0xF4, 0x90, 0x80, 0x80], [0x80]] {
                let body = prefix + bad + Array(#""}}]}"#.utf8)
                let response = try await Self.post(client, key: harness.keyA, bytes: body)
                #expect(response.status == .badRequest, "\(bad)")
                #expect(response.errorCode == "malformed_json")
                #expect(Self.errorMessage(response).contains("invalid UTF-8 in string at byte \(prefix.count)"),
                        "\(bad): \(Self.errorMessage(response))")
            }
            #expect(try await harness.store.metrics(organization: harness.organizationA).isEmpty)
            // Well-formed multi-byte text is stored as sent.
            let good = #"{"points":[{"metric_name":"m","timestamp":1795939200,"value":1,"tags":{"city":"Zürich 😀"}}]}"#
            #expect(try await Self.post(client, key: harness.keyA, bytes: Array(good.utf8)).status == .ok)
        }
    }

    @Test("a body of empty objects far beyond max_batch_points is still the batch-size 422, with at most 100 details")
    func hugePointCount() async throws {
        try await APITestHarness.run(configure: { $0.validation.maxBatchPoints = 5 }) { harness, client in
            // 300,000 points in 900 KB: the parser keeps 6 and 100 problems.
            let body = Array(#"{"points":["#.utf8) + Array(repeating: Array("{},".utf8), count: 299_999).flatMap { $0 } + Array("{}]}".utf8)
            let response = try await Self.post(client, key: harness.keyA, bytes: body)
            #expect(response.status == .unprocessableContent)
            #expect(response.errorCode == "validation_failed")
            let details = try #require(try (response.json["error"] as? [String: Any])?["details"] as? [[String: Any]])
            #expect(details.count <= 100)
            #expect(details.first?["field"] as? String == "points", "the batch cap is the first detail, before the per-point ones")
            // The same answer as a small batch over the limit.
            let small = try await client.send(.post, "/api/v1/analytics/metrics", key: harness.keyA, json: batch(count: 6))
            #expect(small.status == .unprocessableContent)
            #expect(small.errorCode == "validation_failed")
            let smallDetails = try #require(try (small.json["error"] as? [String: Any])?["details"] as? [[String: Any]])
            #expect(smallDetails.map { $0["field"] as? String } == ["points"])
            #expect(try await harness.store.metrics(organization: harness.organizationA).isEmpty)
        }
    }
}
