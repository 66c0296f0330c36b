public import NIOCore
public import NIOPosix
import NIOSSL
public import Logging

/// Sends one email per connection: greeting, EHLO, STARTTLS (when offered, or required by
/// configuration), EHLO again, AUTH PLAIN or LOGIN, MAIL FROM, RCPT TO, DATA (dot-stuffed),
/// QUIT. Every reply is awaited with the configured timeout; a failure names the command
/// and the server's answer, never the password.
public struct SMTPClient: Sendable {
    let configuration: SMTPConfiguration
    let group: any EventLoopGroup
    let logger: Logger

    /// A client for `configuration` on `group` (the shared NIO group by default).
    public init(configuration: SMTPConfiguration, group: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton,
                logger: Logger = Logger(label: "churnguard.smtp")) {
        self.configuration = configuration
        self.group = group
        self.logger = logger
    }

    /// Sends `message`; returns the server's final reply to the data (its queue id, usually).
    /// - Throws: ``SMTPError``.
    @discardableResult
    public func send(_ message: SMTPMessage, boundary: String) async throws(SMTPError) -> SMTPReply {
        try message.validate()
        let connection = try await SMTPConnection.open(configuration, group: group)
        do {
            let reply = try await conversation(message, boundary: boundary, connection)
            await connection.close()
            return reply
        } catch {
            await connection.close()
            throw error
        }
    }

    private func conversation(_ message: SMTPMessage, boundary: String, _ connection: SMTPConnection) async throws(SMTPError) -> SMTPReply {
        try await connection.expect(220, after: nil, stage: "greeting")
        var extensions = try await ehlo(connection)
        var encrypted = configuration.security == .tls
        if configuration.security == .startTLSIfOffered || configuration.security == .startTLSRequired {
            if extensions.offers("STARTTLS") {
                try await connection.expect(220, after: "STARTTLS", stage: "STARTTLS")
                try await connection.startTLS(configuration)
                encrypted = true
                extensions = try await ehlo(connection)
            } else if configuration.security == .startTLSRequired {
                await connection.quit()
                throw .startTLSRequiredButNotOffered
            }
        }
        if let username = configuration.username {
            guard encrypted || configuration.allowPlaintextAuth else {
                await connection.quit()
                throw .authenticationWithoutTLS
            }
            try await authenticate(username: username, password: configuration.password ?? "", extensions, connection)
        }
        try await connection.expect(250, after: "MAIL FROM:<\(message.from)>", stage: "MAIL FROM")
        for recipient in message.to {
            try await connection.expect([250, 251], after: "RCPT TO:<\(recipient)>", stage: "RCPT TO")
        }
        try await connection.expect(354, after: "DATA", stage: "DATA")
        let reply = try await connection.expect(250, raw: DotStuffing.stuff(message.rendered(boundary: boundary)), stage: "end of data")
        await connection.quit()
        logger.debug("mail sent", metadata: ["recipients": "\(message.to.count)", "reply": "\(reply.code)"])
        return reply
    }

    private func ehlo(_ connection: SMTPConnection) async throws(SMTPError) -> SMTPExtensions {
        SMTPExtensions(try await connection.expect(250, after: "EHLO \(configuration.heloName)", stage: "EHLO"))
    }

    private func authenticate(username: String, password: String, _ extensions: SMTPExtensions,
                              _ connection: SMTPConnection) async throws(SMTPError) {
        let mechanisms = extensions.authMechanisms
        if mechanisms.contains("PLAIN") {
            let token = Base64.encode([0] + Array(username.utf8) + [0] + Array(password.utf8))
            try await connection.expect(235, after: "AUTH PLAIN \(token)", shown: "AUTH PLAIN", stage: "AUTH PLAIN")
        } else if mechanisms.contains("LOGIN") {
            try await connection.expect(334, after: "AUTH LOGIN", stage: "AUTH LOGIN")
            try await connection.expect(334, after: Base64.encode(Array(username.utf8)), shown: "AUTH LOGIN user name", stage: "AUTH LOGIN")
            try await connection.expect(235, after: Base64.encode(Array(password.utf8)), shown: "AUTH LOGIN password", stage: "AUTH LOGIN")
        } else {
            await connection.quit()
            throw .noSupportedAuthMechanism(offered: mechanisms)
        }
    }
}

/// The EHLO reply's extension keywords (`STARTTLS`, `AUTH PLAIN LOGIN`, `SIZE 10240000`, …).
struct SMTPExtensions {
    let lines: [String]

    init(_ reply: SMTPReply) { lines = Array(reply.lines.dropFirst()).map { $0.uppercased() } }

    func offers(_ keyword: String) -> Bool { lines.contains { $0 == keyword || $0.hasPrefix(keyword + " ") } }

    var authMechanisms: [String] {
        lines.filter { $0.hasPrefix("AUTH ") || $0.hasPrefix("AUTH=") }.flatMap { $0.dropFirst(5).split(separator: " ").map(String.init) }
    }
}
