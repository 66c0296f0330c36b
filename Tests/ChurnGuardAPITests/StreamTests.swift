#if canImport(Glibc)
import Glibc
#endif
import ChurnGuardBootstrap
import ChurnGuardCore
import ChurnGuardEngine
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import HummingbirdWSClient
import HummingbirdWebSocket
import Logging
import ServiceLifecycle
import Testing

/// A WebSocket client of the test server's stream, as a user's program would be.
enum StreamClient {
    static let logger: Logger = {
        var logger = Logger(label: "stream-client")
        logger.logLevel = .warning
        return logger
    }()

    /// Connects with `key` (none: an unauthenticated upgrade) and runs `body` on the connection;
    /// returns the server's close frame.
    @discardableResult
    static func connect(port: Int, key: String?,
                        _ body: @escaping @Sendable (WebSocketInboundStream, WebSocketOutboundWriter) async throws -> Void)
        async throws -> WebSocketCloseFrame? {
        var configuration = WebSocketClientConfiguration()
        if let key { configuration.additionalHeaders[HTTPField.Name("X-API-Key")!] = key }
        return try await WebSocketClient.connect(url: "ws://127.0.0.1:\(port)/ws/v1/stream", configuration: configuration,
                                                 logger: logger) { inbound, outbound, _ in
            try await body(inbound, outbound)
        }
    }
}

/// Reads text messages as JSON objects.
struct MessageReader {
    var iterator: WebSocketInboundMessageStream.AsyncIterator

    init(_ inbound: WebSocketInboundStream) { iterator = inbound.messages(maxSize: 1 << 20).makeAsyncIterator() }

    mutating func next() async throws -> [String: Any]? {
        while let message = try await iterator.next() {
            if case .text(let text) = message,
               let object = try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any] { return object }
        }
        return nil
    }
}

/// Runs the two sides of a stream test side by side. The first error is rethrown at once and
/// cancels the other side, whose waits then end: a failure on one side is reported, never left
/// waiting for a signal from the other.
func sideBySide(_ first: @escaping @Sendable () async throws -> Void,
                _ second: @escaping @Sendable () async throws -> Void) async throws {
    try await withThrowingTaskGroup(of: Void.self) { group in
        group.addTask(operation: first)
        group.addTask(operation: second)
        for try await _ in group {}
    }
}

/// A stream test of one organization's messages with another organization subscribed beside it.
///
/// B subscribes first (`otherSubscription`, a JSON list), then A (`subscription`); `body` runs on
/// A's connection once both are subscribed. Meanwhile B reads on, answering the server's pings
/// (a client that stopped reading would be closed after a minute), and once `body` is done it
/// sends a malformed message: the error answering it must be the first message B received, so
/// nothing of A's reached it.
enum IsolatedStreamCheck {
    static func run(port: Int, keyA: String, subscription: String, keyB: String, otherSubscription: String,
                    _ body: @escaping @Sendable (inout MessageReader) async throws -> Void) async throws {
        let ready = AsyncStream<Void>.makeStream()
        let done = AsyncStream<Void>.makeStream()
        try await sideBySide {
            try await StreamClient.connect(port: port, key: keyB) { inbound, outbound in
                var reader = MessageReader(inbound)
                try await outbound.write(.text(#"{"subscribe":\#(otherSubscription)}"#))
                #expect(try await reader.next()?["type"] as? String == "subscribed")
                ready.continuation.yield()
                try await withThrowingTaskGroup(of: Void.self) { probe in
                    probe.addTask {
                        for await _ in done.stream { break }
                        guard !Task.isCancelled else { return }
                        try await outbound.write(.text("not json"))
                    }
                    let first = try await reader.next()
                    probe.cancelAll()
                    #expect(first?["type"] as? String == "error", "the other organization received \(String(describing: first))")
                    #expect(first?["code"] as? String == "malformed_message")
                    try await probe.waitForAll()
                }
                try await outbound.close(.normalClosure, reason: nil)
            }
        } _: {
            try await StreamClient.connect(port: port, key: keyA) { inbound, outbound in
                var reader = MessageReader(inbound)
                try await outbound.write(.text(#"{"subscribe":\#(subscription)}"#))
                #expect(try await reader.next()?["type"] as? String == "subscribed")
                var readiness = ready.stream.makeAsyncIterator()
                _ = await readiness.next()
                try await body(&reader)
                done.continuation.yield()
                try await outbound.close(.normalClosure, reason: nil)
            }
        }
    }
}

@Suite("Live stream")
struct StreamTests {
    // The time limit turns a lost message (the readers wait without their own deadline) into a
    // failure instead of a stalled run; alone the test takes about 2 s, in a loaded run of the
    // whole suite up to a minute and a half.
    @Test("a subscriber receives posted points, their stats and the alert; another organization's subscriber receives nothing",
          .timeLimit(.minutes(5)), arguments: TestBackend.available)
    func pointsStatsAndAlert(backend: TestBackend) async throws {
        try await APITestHarness.run(backend: backend) { harness, client in
            let port = try #require(client.port)
            // Organization B subscribes to the same metric first; it must see nothing of A's.
            try await IsolatedStreamCheck.run(port: port, keyA: harness.keyA,
                                              subscription: #"[{"metric_name":"churn_risk_score","tags":{"segment":"smb"}}]"#,
                                              keyB: harness.keyB, otherSubscription: #"["churn_risk_score"]"#) { reader in
                let posted = try await client.send(.post, "/api/v1/analytics/metrics", key: harness.keyA, json: #"""
                    {"points":[{"metric_name":"churn_risk_score","timestamp":1795939200,"value":0.5,"tags":{"segment":"smb","customer_id":"c9"}},
                               {"metric_name":"churn_risk_score","timestamp":1795939260,"value":0.93,"tags":{"segment":"smb","customer_id":"c9"}},
                               {"metric_name":"churn_risk_score","timestamp":1795939260,"value":0.99,"tags":{"segment":"enterprise"}}]}
                    """#)
                #expect(posted.status == .ok)
                var points: [Double] = []
                var stats: [String: Any]?
                var alert: [String: Any]?
                while points.count < 2 || stats == nil || alert == nil, let message = try await reader.next() {
                    switch message["type"] as? String {
                    case "point": points.append(message["value"] as? Double ?? -1)
                    case "stats": stats = message["series"] as? [String: Any]
                    case "alert": alert = message["alert"] as? [String: Any]
                    default: Issue.record("unexpected \(message)")
                    }
                }
                #expect(points == [0.5, 0.93], "only the subscribed series' points, in order")
                #expect(stats?["count"] as? Int == 2)
                #expect(stats?["last_value"] as? Double == 0.93)
                #expect(alert?["state"] as? String == "firing")
                #expect(alert?["customer_id"] as? String == "c9")
                #expect(alert?["rule_id"] as? String == "default.churn_risk_score")
            }
            // The alert is stored and listed, for this organization only.
            let listed = try await client.send(.get, "/api/v1/analytics/alerts?state=firing", key: harness.keyA)
            let alerts = try #require(try listed.json["alerts"] as? [[String: Any]])
            #expect(alerts.count == 2, "one per series: smb customer c9 and the enterprise series")
            let other = try await client.send(.get, "/api/v1/analytics/alerts", key: harness.keyB)
            #expect((try other.json["alerts"] as? [Any])?.isEmpty == true)
        }
    }

    @Test("a client that falls behind its send queue is closed with 4008; the server stays healthy")
    func slowConsumer() async throws {
        try await APITestHarness.run(configure: { $0.streamSendQueue = 5 }) { harness, client in
            let port = try #require(client.port)
            let close = try await StreamClient.connect(port: port, key: harness.keyA) { inbound, outbound in
                var reader = MessageReader(inbound)
                try await outbound.write(.text(#"{"subscribe":["churn_risk_score"]}"#))
                #expect(try await reader.next()?["type"] as? String == "subscribed")
                // 500 points published at once: far more than 5 can wait to be sent.
                let posted = try await client.send(.post, "/api/v1/analytics/metrics", key: harness.keyA, json: batch(count: 500))
                #expect(posted.status == .ok)
                while try await reader.next() != nil {}
            }
            #expect(close?.closeCode == .unknown(StreamCloseCode.slowConsumer))
            #expect(try await client.send(.get, "/health", key: nil).status == .ok)
            try await StreamClient.connect(port: port, key: harness.keyA) { inbound, outbound in
                var reader = MessageReader(inbound)
                try await outbound.write(.text(#"{"subscribe":["churn_risk_score"]}"#))
                #expect(try await reader.next()?["type"] as? String == "subscribed", "a new connection is served")
                try await outbound.close(.normalClosure, reason: nil)
            }
        }
    }

    @Test("an unauthenticated or wrongly keyed upgrade is refused (HTTP 400, connection closed) and never upgraded")
    func unauthenticated() async throws {
        try await APITestHarness.run { harness, client in
            let port = try #require(client.port)
            for key in [nil, "cg_AAAAAAAAAAAA_wrong"] {
                await #expect(throws: (any Error).self) {
                    try await StreamClient.connect(port: port, key: key) { _, _ in
                        Issue.record("upgraded without a valid key")
                    }
                }
            }
            let raw = try RawConnection(port: port)
            raw.send("GET /ws/v1/stream HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                     + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n")
            let answer = await raw.receive(within: 30) ?? ""
            // hummingbird-websocket answers every refused upgrade with a bare 400 and closes.
            #expect(answer.hasPrefix("HTTP/1.1 400"), "got \(answer.prefix(80))")
            #expect(!answer.contains("101"))
            #expect(await raw.isClosed(within: 30))
            _ = harness
        }
    }

    @Test("malformed and refused client messages get an error message and the connection stays open")
    func malformedMessages() async throws {
        try await APITestHarness.run { harness, client in
            let port = try #require(client.port)
            try await StreamClient.connect(port: port, key: harness.keyA) { inbound, outbound in
                var reader = MessageReader(inbound)
                let cases: [(String, String)] = [
                    ("{", "malformed_message"),
                    (#"{"hello":1}"#, "unsupported_message"),
                    (#"{"subscribe":[]}"#, "invalid_subscription"),
                    (#"{"subscribe":[""]}"#, "invalid_subscription"),
                    (#"{"subscribe":[{"metric_name":"m","tags":{"k":1}}]}"#, "invalid_subscription"),
                ]
                for (text, code) in cases {
                    try await outbound.write(.text(text))
                    let answer = try await reader.next()
                    #expect(answer?["type"] as? String == "error" && answer?["code"] as? String == code, "\(text) → \(String(describing: answer))")
                }
                try await outbound.write(.binary(ByteBuffer(string: "x")))
                #expect(try await reader.next()?["code"] as? String == "unsupported_message")
                try await outbound.write(.text(#"{"subscribe":["a","b"]}"#))
                let subscribed = try await reader.next()
                #expect((subscribed?["subscriptions"] as? [Any])?.count == 2)
                try await outbound.write(.text(#"{"unsubscribe":["a"]}"#))
                let unsubscribed = try await reader.next()
                #expect(unsubscribed?["type"] as? String == "unsubscribed" && (unsubscribed?["subscriptions"] as? [Any])?.count == 1)
                try await outbound.close(.normalClosure, reason: nil)
            }
        }
    }
}

@Suite("Live stream shutdown")
struct StreamShutdownTests {
    /// A port free on loopback now.
    static func freePort() throws -> Int {
        let probe = try RawListener()
        return probe.port
    }

    @Test("graceful shutdown closes every stream connection with 1001 going away")
    func goingAway() async throws {
        try await TestBackend.memory.withStore { store in
            let org = try await OrganizationAdmin(store: store).createOrganization(name: "shutdown", tier: .default)
            var configuration = AppConfiguration()
            configuration.host = "127.0.0.1"
            configuration.port = try Self.freePort()
            var logger = Logger(label: "shutdown-test")
            logger.logLevel = .warning
            let built = try await ApplicationBuilder.build(configuration: configuration, backends: .single(store, name: "memory"), logger: logger)
            let group = ServiceGroup(configuration: .init(services: [built.service], logger: logger))
            try await withThrowingTaskGroup(of: Void.self) { tasks in
                tasks.addTask { try await group.run() }
                var close: WebSocketCloseFrame?
                for attempt in 0..<100 {
                    do {
                        close = try await StreamClient.connect(port: configuration.port, key: org.apiKey) { inbound, outbound in
                            var reader = MessageReader(inbound)
                            try await outbound.write(.text(#"{"subscribe":["churn_risk_score"]}"#))
                            #expect(try await reader.next()?["type"] as? String == "subscribed")
                            await group.triggerGracefulShutdown()
                            while try await reader.next() != nil {}
                        }
                        break
                    } catch where attempt < 99 {
                        try await Task.sleep(for: .milliseconds(50))   // the server is still starting
                    }
                }
                #expect(close?.closeCode == .goingAway, "\(String(describing: close))")
                try await tasks.waitForAll()
            }
        }
    }
}

/// A listening socket on a free loopback port, closed at once (to learn a free port).
struct RawListener {
    let port: Int

    init() throws {
        #if canImport(Glibc)
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        #else
        let descriptor = socket(AF_INET, SOCK_STREAM, 0)
        #endif
        defer { close(descriptor) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = 0
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(descriptor, $0, length) } }
        guard bound == 0 else { throw POSIXError(.EADDRINUSE) }
        _ = withUnsafeMutablePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(descriptor, $0, &length) } }
        port = Int(UInt16(bigEndian: address.sin_port))
    }
}
