/// How to reach and talk to an SMTP server.
public struct SMTPConfiguration: Sendable {
    /// Transport security.
    public enum Security: String, Sendable, CaseIterable {
        /// Upgrade with STARTTLS when the server offers it, else stay unencrypted.
        case startTLSIfOffered = "starttls"
        /// Upgrade with STARTTLS; refuse to send when the server does not offer it.
        case startTLSRequired = "starttls_required"
        /// TLS from the first byte (SMTPS, usually port 465).
        case tls
        /// Never encrypt (a local relay).
        case none
    }

    /// Server host name (also the name checked in its certificate).
    public var host: String
    /// Server port (587 submission, 465 SMTPS, 25 relay).
    public var port: Int
    /// Transport security.
    public var security: Security
    /// User name for AUTH; no authentication when nil.
    public var username: String?
    /// Password for AUTH (never logged nor put in an error).
    public var password: String?
    /// Send credentials over an unencrypted connection (only for a trusted local relay).
    public var allowPlaintextAuth: Bool
    /// PEM file of the certificate authorities to trust instead of the system's.
    public var trustRootsPEMFile: String?
    /// Name sent with EHLO.
    public var heloName: String
    /// Longest wait for connecting and for each reply.
    public var timeout: Duration

    /// Creates a configuration.
    public init(host: String, port: Int = 587, security: Security = .startTLSIfOffered, username: String? = nil,
                password: String? = nil, allowPlaintextAuth: Bool = false, trustRootsPEMFile: String? = nil,
                heloName: String = "churnguard.localhost", timeout: Duration = .seconds(30)) {
        self.host = host
        self.port = port
        self.security = security
        self.username = username
        self.password = password
        self.allowPlaintextAuth = allowPlaintextAuth
        self.trustRootsPEMFile = trustRootsPEMFile
        self.heloName = heloName
        self.timeout = timeout
    }
}
