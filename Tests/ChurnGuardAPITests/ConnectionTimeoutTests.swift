import ChurnGuardBootstrap
import Foundation
import HummingbirdTesting
import Testing

/// Issue #9, defect 4: slow and idle clients held connections (and file descriptors)
/// forever. Over real sockets, with the timeouts shortened.
@Suite("Connection timeouts over real sockets", .serialized)
struct ConnectionTimeoutTests {
    /// Header and body deadlines of one second; a long idle timeout, so that only the
    /// deadline under test can explain a closed connection.
    static func shortDeadlines(_ configuration: inout AppConfiguration) {
        configuration.headerReadTimeoutSeconds = 1
        configuration.bodyReadTimeoutSeconds = 1
        configuration.idleTimeoutSeconds = 30
    }

    static let ingestHead = "POST /api/v1/analytics/metrics HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"

    @Test("a client that sends half a request head is disconnected after the header timeout")
    func halfHead() async throws {
        try await APITestHarness.run(configure: Self.shortDeadlines) { _, client in
            let connection = try RawConnection(port: try #require(client.port))
            #expect(connection.send(Self.ingestHead))
            #expect(await connection.isClosed(within: 5), "connection still open 5 s after a half-sent head")
        }
    }

    @Test("a client that connects and sends nothing is closed at the header deadline, and no error is logged for it")
    func silentClient() async throws {
        let log = CapturedLog()
        try await APITestHarness.run(configure: Self.shortDeadlines, logger: log.logger(format: "structured", level: "info")) { _, client in
            let connection = try RawConnection(port: try #require(client.port))
            #expect(await connection.isClosed(within: 5), "a silent connection still open 5 s after it opened")
        }
        // The harness returns once the server has finished every connection, so their lines are
        // all written. A browser's speculative connection looks just like this one: an error
        // line for each would bury the real ones.
        let lines = log.objects
        #expect(lines.contains { $0["message"]?.contains("first request head not complete") == true }, "\(lines)")
        #expect(log.errors.isEmpty, "\(log.errors)")
    }

    @Test("a client that trickles its head a byte at a time is cut off by the header deadline")
    func trickledHead() async throws {
        try await APITestHarness.run(configure: Self.shortDeadlines) { _, client in
            let connection = try RawConnection(port: try #require(client.port))
            let start = Date()
            var closed = false
            for byte in Self.ingestHead + "X-Padding: " + String(repeating: "a", count: 200) {
                guard connection.send(String(byte)) else { closed = true; break }
                if await connection.isClosed(within: 0.2) { closed = true; break }
                if Date().timeIntervalSince(start) > 8 { break }
            }
            #expect(closed, "a head trickled for 8 s was never cut off")
            #expect(Date().timeIntervalSince(start) < 6)
        }
    }

    @Test("a client that sends half a body is disconnected after the body timeout, logged without an error")
    func halfBody() async throws {
        let log = CapturedLog()
        try await APITestHarness.run(configure: Self.shortDeadlines, logger: log.logger(format: "structured", level: "info")) { harness, client in
            let connection = try RawConnection(port: try #require(client.port))
            #expect(connection.send(Self.ingestHead + "X-API-Key: \(harness.keyA)\r\nContent-Length: 1000\r\n\r\n{\"points\":["))
            #expect(await connection.isClosed(within: 5), "connection still open 5 s after a half-sent body")
        }
        // A client on a poor network breaks off uploads too: that is not a server error.
        let lines = log.objects
        #expect(lines.contains { $0["message"] == "request ended early or was not valid HTTP" }, "\(lines)")
        #expect(log.errors.isEmpty, "\(log.errors)")
    }

    @Test("a client that trickles its body is cut off by the body deadline")
    func trickledBody() async throws {
        try await APITestHarness.run(configure: Self.shortDeadlines) { harness, client in
            let connection = try RawConnection(port: try #require(client.port))
            #expect(connection.send(Self.ingestHead + "X-API-Key: \(harness.keyA)\r\nContent-Length: 100000\r\n\r\n{\"points\":["))
            let start = Date()
            var closed = false
            while Date().timeIntervalSince(start) < 8 {
                guard connection.send(" ") else { closed = true; break }
                if await connection.isClosed(within: 0.2) { closed = true; break }
            }
            #expect(closed, "a body trickled for 8 s was never cut off")
            #expect(Date().timeIntervalSince(start) < 6)
        }
    }

    @Test("normal requests still work, and an idle keep-alive connection is not taken for a slow head")
    func normalRequests() async throws {
        try await APITestHarness.run(configure: Self.shortDeadlines) { harness, client in
            let connection = try RawConnection(port: try #require(client.port))
            let body = batch(count: 3)
            let request = Self.ingestHead + "X-API-Key: \(harness.keyA)\r\nContent-Length: \(body.utf8.count)\r\n\r\n" + body
            #expect(connection.send(request))
            let first = await connection.receive(within: 10)
            #expect(first?.hasPrefix("HTTP/1.1 200") == true, "\(first ?? "closed")")
            // Idle between requests for longer than the header deadline: still open.
            #expect(await !connection.isClosed(within: 2))
            #expect(connection.send("GET /health HTTP/1.1\r\nHost: localhost\r\n\r\n"))
            let second = await connection.receive(within: 10)
            #expect(second?.hasPrefix("HTTP/1.1 200") == true, "\(second ?? "closed")")
            // (The harness's own client is not used here: it connects when the test starts, and
            // a connection that sends nothing within the header deadline is closed by design.)
        }
    }

    @Test("an idle connection is closed after the idle timeout")
    func idle() async throws {
        try await APITestHarness.run(configure: { $0.idleTimeoutSeconds = 1 }) { _, client in
            let connection = try RawConnection(port: try #require(client.port))
            #expect(connection.send("GET /health HTTP/1.1\r\nHost: localhost\r\n\r\n"))
            #expect(await connection.receive(within: 10)?.hasPrefix("HTTP/1.1 200") == true)
            #expect(await connection.isClosed(within: 5), "idle connection still open 5 s after its last response")
        }
    }
}
