/// What went wrong while talking to an SMTP server, with the server's own words where it gave any.
public enum SMTPError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The server answered a command with an unexpected reply.
    case unexpectedReply(command: String, code: Int, message: String)
    /// STARTTLS was required by configuration but the server did not offer it.
    case startTLSRequiredButNotOffered
    /// Credentials are configured but the connection is not encrypted (no STARTTLS offered);
    /// the password is not sent in clear unless `allowPlaintextAuth` says so.
    case authenticationWithoutTLS
    /// The server offered none of the authentication mechanisms this client speaks (PLAIN, LOGIN).
    case noSupportedAuthMechanism(offered: [String])
    /// A reply line could not be parsed.
    case malformedReply(String)
    /// The server did not answer within the configured time.
    case timeout(stage: String)
    /// The connection could not be made.
    case connectionFailed(String)
    /// The connection closed before the conversation was over.
    case connectionClosed(stage: String)
    /// The message cannot be sent as given (no recipient, a line break in an address, …).
    case invalidMessage(String)

    public var description: String {
        switch self {
        case .unexpectedReply(let command, let code, let message): "SMTP server answered \(command) with \(code) \(message)"
        case .startTLSRequiredButNotOffered: "the SMTP server does not offer STARTTLS, which the configuration requires"
        case .authenticationWithoutTLS: "the SMTP server does not offer STARTTLS; the password is not sent over an unencrypted connection"
        case .noSupportedAuthMechanism(let offered):
            "the SMTP server offers no supported authentication mechanism (PLAIN, LOGIN); it offers: \(offered.joined(separator: " "))"
        case .malformedReply(let line): "malformed SMTP reply: \(line)"
        case .timeout(let stage): "the SMTP server did not answer in time (\(stage))"
        case .connectionFailed(let reason): "could not connect to the SMTP server: \(reason)"
        case .connectionClosed(let stage): "the SMTP server closed the connection (\(stage))"
        case .invalidMessage(let reason): "message not sent: \(reason)"
        }
    }

    /// Whether trying again later may succeed (4xx replies, timeouts, connection problems);
    /// 5xx replies and configuration problems are permanent.
    public var isTransient: Bool {
        switch self {
        case .unexpectedReply(_, let code, _): (400..<500).contains(code)
        case .timeout, .connectionFailed, .connectionClosed, .malformedReply: true
        case .startTLSRequiredButNotOffered, .authenticationWithoutTLS, .noSupportedAuthMechanism, .invalidMessage: false
        }
    }
}
