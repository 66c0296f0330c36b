import ChurnGuardBootstrap
import ChurnGuardCore
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import Synchronization
import Testing

/// Keeps every log line in memory.
final class CapturedLog: LogSink {
    private let lines = Mutex<[String]>([])

    func write(_ line: String) { lines.withLock { $0.append(line) } }

    var all: [String] { lines.withLock { $0 } }

    /// The structured lines, parsed.
    var objects: [[String: String]] {
        all.compactMap { line in
            (try? JSONSerialization.jsonObject(with: Data(line.utf8))) as? [String: String]
        }
    }

    /// The structured lines at error level or above.
    var errors: [[String: String]] { objects.filter { $0["level"] == "error" || $0["level"] == "critical" } }

    func logger(format: String, level: String) -> Logger {
        var logger = Logger(label: "churnguard", factory: LoggingSetup.handlerFactory(format: format, level: level, sink: self))
        logger.logLevel = Logger.Level(rawValue: level) ?? .info
        return logger
    }
}

/// Request ids, trace context and the access line, over HTTP.
@Suite struct RequestLoggingTests {
    static let traceID = "4bf92f3577b34da6a3ce929d0e0e4736"
    static let traceParent = "00-\(traceID)-00f067aa0ba902b7-01"

    static func send(_ client: some TestClientProtocol, _ method: HTTPRequest.Method, _ uri: String, key: String?,
                     requestID: String? = nil, traceParent: String? = nil, json: String? = nil) async throws -> TestResponse {
        var headers: HTTPFields = [:]
        if let key { headers[HTTPField.Name("X-API-Key")!] = key }
        if let requestID { headers[HTTPField.Name("X-Request-ID")!] = requestID }
        if let traceParent { headers[HTTPField.Name("traceparent")!] = traceParent }
        if json != nil { headers[.contentType] = "application/json" }
        return try await client.execute(uri: uri, method: method, headers: headers, body: json.map { ByteBuffer(string: $0) })
    }

    @Test(arguments: TestBackend.durable)
    func structuredAccessLineCarriesRequestTraceOrganizationRouteStatusAndDuration(backend: TestBackend) async throws {
        let log = CapturedLog()
        try await APITestHarness.run(backend: backend, logger: log.logger(format: "structured", level: "info")) { harness, client in
            let response = try await Self.send(client, .post, "/api/v1/analytics/metrics", key: harness.keyA, requestID: "req-7f3a",
                                               traceParent: Self.traceParent, json: batch(count: 2))
            #expect(response.status == .ok)
            #expect(response.headers[HTTPField.Name("X-Request-ID")!] == "req-7f3a")
            let line = try #require(log.objects.first { $0["message"] == "request completed" && $0["request_id"] == "req-7f3a" })
            #expect(line["level"] == "info")
            #expect(line["time"].flatMap(RFC3339.parse) != nil)
            #expect(line["route"] == "/api/v1/analytics/metrics")
            #expect(line["method"] == "POST")
            #expect(line["status"] == "200")
            #expect(line["organization_id"] == harness.organizationA.description)
            #expect(line["trace_id"] == Self.traceID)
            #expect(line["parent_span_id"] == "00f067aa0ba902b7")
            #expect(line["duration_ms"].flatMap(Double.init).map { $0 >= 0 } == true)
        }
    }

    @Test("the alert transitions an ingest request causes are logged with that request's id")
    func alertTransitionCarriesTheIngestRequestID() async throws {
        let log = CapturedLog()
        try await APITestHarness.run(logger: log.logger(format: "structured", level: "info")) { harness, client in
            let body = #"{"points":[{"metric_name":"churn_risk_score","timestamp":1795939200,"value":0.95,"tags":{"customer_id":"c9"}}]}"#
            let response = try await Self.send(client, .post, "/api/v1/analytics/metrics", key: harness.keyA, requestID: "ingest-req-9", json: body)
            #expect(response.status == .ok)
            let lines = try await eventually("the transition's log line") { () -> [[String: String]]? in
                let found = log.objects.filter { $0["message"] == "alert transition" }
                return found.isEmpty ? nil : found
            }
            #expect(lines.allSatisfy { $0["request_id"] == "ingest-req-9" })
            #expect(lines.allSatisfy { $0["organization_id"] == harness.organizationA.description })
            #expect(lines.contains { $0["transition"] == "pending" })
        }
    }

    @Test func requestIDIsGeneratedWhenMissingOrUnacceptable() async throws {
        let log = CapturedLog()
        try await APITestHarness.run(logger: log.logger(format: "structured", level: "info")) { _, client in
            let generated = try await Self.send(client, .get, "/health", key: nil)
            let id = try #require(generated.headers[HTTPField.Name("X-Request-ID")!])
            #expect(id.count == 32 && id.allSatisfy(\.isHexDigit))
            let forged = try await Self.send(client, .get, "/health", key: nil, requestID: "x\"}{\"level\":\"critical",
                                             traceParent: "00-zz-00f067aa0ba902b7-01")
            let replaced = try #require(forged.headers[HTTPField.Name("X-Request-ID")!])
            #expect(replaced.count == 32 && replaced.allSatisfy(\.isHexDigit))
            #expect(replaced != id)
            let lines = log.objects.filter { $0["message"] == "request completed" }
            #expect(lines.contains { $0["request_id"] == id && $0["route"] == "/health" && $0["status"] == "200" })
            #expect(lines.contains { $0["request_id"] == replaced && $0["trace_id"] == nil })
            #expect(!log.all.joined().contains("critical"))
        }
    }

    @Test func unknownErrorNamesTheReturnedRequestID() async throws {
        let log = CapturedLog()
        try await APITestHarness.run(logger: log.logger(format: "text", level: "info")) { _, client in
            let response = try await Self.send(client, .get, "/no/such/route", key: nil, requestID: "trace-me-42")
            #expect(response.status == .notFound)
            #expect(response.headers[HTTPField.Name("X-Request-ID")!] == "trace-me-42")
            let line = try #require(log.all.first { $0.contains("request completed") && $0.contains("request_id=trace-me-42") })
            #expect(line.contains("route=unmatched") && line.contains("status=404"))
            #expect(line.hasSuffix("\n") && line.dropLast().contains("\n") == false)
        }
    }

    /// Every line of a run at trace level, through authentication successes and failures,
    /// ingest, reads and refusals: no API key, nor its secret part, appears anywhere.
    @Test(arguments: TestBackend.durable)
    func noKeyOrSecretInAnyLogLine(backend: TestBackend) async throws {
        let log = CapturedLog()
        let wrongSecret = "cg_0123456789abcdef_thisisnotthesecretvalue0000000000"
        let seen = Mutex<[String]>([])
        try await APITestHarness.run(backend: backend, configure: { $0.rateLimits[.default] = ConfigRate(count: 5, windowSeconds: 3600) },
                                     logger: log.logger(format: "structured", level: "trace")) { harness, client in
            _ = try await Self.send(client, .post, "/api/v1/analytics/metrics", key: harness.keyA, json: batch(count: 2))
            _ = try await Self.send(client, .post, "/api/v1/analytics/metrics", key: harness.keyA, json: #"{"points":[{"metric_name":""}]}"#)
            _ = try await Self.send(client, .get, "/api/v1/analytics/metrics", key: harness.keyB)
            _ = try await Self.send(client, .get, "/api/v1/analytics/metrics", key: wrongSecret)
            _ = try await Self.send(client, .get, "/api/v1/analytics/metrics", key: String(harness.keyA.dropLast(3)) + "zzz")
            for _ in 0..<6 { _ = try await Self.send(client, .get, "/api/v1/analytics/metrics", key: harness.keyA) }
            seen.withLock { $0 = [harness.keyA, harness.keyB] }
        }
        let text = log.all.joined()
        #expect(log.all.count > 10)
        let keys = seen.withLock { $0 }
        #expect(keys.count == 2)
        for key in keys + [wrongSecret] {
            #expect(!text.contains(key))
            let secret = String(key.split(separator: "_", maxSplits: 2).last ?? "")
            #expect(secret.count >= 16)
            #expect(!text.contains(secret), "the secret part of a key appears in the log")
        }
    }
}
