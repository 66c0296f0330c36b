import ChurnGuardSMTP
import Foundation
import NIOCore
import NIOPosix
import SMTPTesting
import Testing

/// The client against a real SMTP server (aiosmtpd on loopback, started per test).
@Suite("SMTP client against a local server", .enabled(if: LocalSMTPServer.available, Comment(rawValue: LocalSMTPServer.skipNote)))
struct SMTPClientServerTests {
    static let boundary = "=_test_boundary"

    static func message(text: String = "Hello,\n.a line starting with a period\n..two periods\nbye", to: [String] = ["ops@example.com"]) -> SMTPMessage {
        SMTPMessage(from: "churnguard@example.com", to: to, subject: "Churn alert: café ☕", text: text,
                    html: "<p>Hello</p>\n.<b>dot</b>", date: "Tue, 01 Dec 2026 18:00:00 +0000", messageID: "abc.123@example.com",
                    headers: [("X-ChurnGuard-Event", "alert.firing")])
    }

    static func client(_ server: LocalSMTPServer, security: SMTPConfiguration.Security, user: String? = nil, password: String? = nil,
                       host: String = "localhost") -> SMTPClient {
        SMTPClient(configuration: SMTPConfiguration(host: host, port: server.port, security: security, username: user, password: password,
                                                    trustRootsPEMFile: security == .none ? nil : server.certificateFile,
                                                    timeout: .seconds(10)))
    }

    @Test("without TLS or AUTH the server receives exactly the rendered message, dot-stuffing undone")
    func plain() async throws {
        let server = try await LocalSMTPServer()
        defer { server.stop() }
        let message = Self.message(to: ["ops@example.com", "cto@example.com"])
        let reply = try await Self.client(server, security: .startTLSIfOffered).send(message, boundary: Self.boundary)
        #expect(reply.code == 250)
        let received = try await server.waitFor(1)
        try #require(received.count == 1)
        #expect(received[0].data == message.rendered(boundary: Self.boundary))
        #expect(received[0].mailFrom == "churnguard@example.com")
        #expect(received[0].recipients == ["ops@example.com", "cto@example.com"])
        #expect(received[0].tls == false && received[0].login == nil)
        // The rendered message has lines starting with periods, so equality shows the stuffing was undone exactly.
        #expect(message.rendered(boundary: Self.boundary).contains("\r\n.a line starting with a period\r\n..two periods\r\n"))
    }

    @Test("STARTTLS when offered, then AUTH PLAIN; the message arrives encrypted and authenticated")
    func startTLSPlain() async throws {
        let server = try await LocalSMTPServer(tls: true, user: "alerts", password: "pa55word")
        defer { server.stop() }
        let message = Self.message()
        try await Self.client(server, security: .startTLSIfOffered, user: "alerts", password: "pa55word").send(message, boundary: Self.boundary)
        let received = try await server.waitFor(1)
        try #require(received.count == 1)
        #expect(received[0].tls && received[0].login == "alerts")
        #expect(received[0].data == message.rendered(boundary: Self.boundary))
    }

    @Test("AUTH LOGIN when it is the only mechanism offered")
    func authLogin() async throws {
        let server = try await LocalSMTPServer(tls: true, user: "alerts", password: "pa55word", onlyMechanism: "LOGIN")
        defer { server.stop() }
        try await Self.client(server, security: .startTLSRequired, user: "alerts", password: "pa55word").send(Self.message(), boundary: Self.boundary)
        let received = try await server.waitFor(1)
        #expect(received.count == 1 && received.first?.login == "alerts" && received.first?.tls == true)
    }

    @Test("a wrong password is a permanent 535 that does not show the password")
    func wrongPassword() async throws {
        let server = try await LocalSMTPServer(tls: true, user: "alerts", password: "pa55word")
        defer { server.stop() }
        do {
            try await Self.client(server, security: .startTLSIfOffered, user: "alerts", password: "wrong-secret").send(Self.message(), boundary: Self.boundary)
            Issue.record("sent with a wrong password")
        } catch {
            guard case .unexpectedReply(let command, let code, _) = error else { Issue.record("unexpected \(error)"); return }
            #expect(code == 535 && command == "AUTH PLAIN" && !error.isTransient)
            #expect(!error.description.contains("wrong-secret"))
        }
        #expect(try server.received().isEmpty)
    }

    @Test("STARTTLS required but not offered: refused before any mail command")
    func startTLSRequired() async throws {
        let server = try await LocalSMTPServer()
        defer { server.stop() }
        await #expect(throws: SMTPError.startTLSRequiredButNotOffered) {
            try await Self.client(server, security: .startTLSRequired).send(Self.message(), boundary: Self.boundary)
        }
        #expect(try server.received().isEmpty)
    }

    @Test("credentials are never sent over an unencrypted connection")
    func noPlaintextAuth() async throws {
        let server = try await LocalSMTPServer()
        defer { server.stop() }
        await #expect(throws: SMTPError.authenticationWithoutTLS) {
            try await Self.client(server, security: .startTLSIfOffered, user: "alerts", password: "pa55word").send(Self.message(), boundary: Self.boundary)
        }
    }

    @Test("a certificate the client does not trust fails the STARTTLS handshake with a clear error")
    func untrustedCertificate() async throws {
        let server = try await LocalSMTPServer(tls: true)
        defer { server.stop() }
        let client = SMTPClient(configuration: SMTPConfiguration(host: "localhost", port: server.port, security: .startTLSRequired,
                                                                 timeout: .seconds(10)))
        do {
            try await client.send(Self.message(), boundary: Self.boundary)
            Issue.record("sent to an untrusted server")
        } catch {
            #expect(error.description.lowercased().contains("certificate") || error.description.contains("handshake")
                    || error.description.contains("TLS") || error.description.contains("closed"), "\(error)")
        }
        #expect(try server.received().isEmpty)
    }

    @Test("nobody listening: a transient connection failure")
    func refused() async throws {
        let port = try LocalSMTPServer.freePort()
        let client = SMTPClient(configuration: SMTPConfiguration(host: "127.0.0.1", port: port, security: .none, timeout: .seconds(5)))
        do {
            try await client.send(Self.message(), boundary: Self.boundary)
            Issue.record("sent to nobody")
        } catch {
            guard case .connectionFailed = error else { Issue.record("unexpected \(error)"); return }
            #expect(error.isTransient)
        }
    }

    @Test("a server that never answers times out at the greeting")
    func silentServer() async throws {
        let group = MultiThreadedEventLoopGroup.singleton
        let silent = try await ServerBootstrap(group: group)
            .childChannelInitializer { channel in channel.eventLoop.makeSucceededVoidFuture() }
            .bind(host: "127.0.0.1", port: 0).get()
        let port = try #require(silent.localAddress?.port)
        let client = SMTPClient(configuration: SMTPConfiguration(host: "127.0.0.1", port: port, security: .none, timeout: .milliseconds(300)))
        await #expect(throws: SMTPError.timeout(stage: "greeting")) {
            try await client.send(Self.message(), boundary: Self.boundary)
        }
        try await silent.close()
    }
}
