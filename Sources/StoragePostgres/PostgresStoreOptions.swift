import Foundation
import NIOSSL
import PostgresNIO

/// How the connection to PostgreSQL uses TLS: libpq's `sslmode`, with its names and meanings,
/// so that a URL that works with `psql` means the same here.
///
/// | mode | TLS | certificate chain | host name |
/// |---|---|---|---|
/// | `disable` | never | – | – |
/// | `allow`, `prefer` | if the server offers it | not checked | not checked |
/// | `require` | mandatory | checked only when a root certificate is given | not checked |
/// | `verify-ca` | mandatory | checked | not checked |
/// | `verify-full` | mandatory | checked | checked |
///
/// `verify-ca` and `verify-full` check the chain against ``PostgresStoreOptions/rootCertificatePath``
/// or, without one, the system trust store.
public enum PostgresTLSMode: String, Sendable, CaseIterable {
    /// Plain TCP; no TLS even if the server offers it.
    case disable
    /// libpq tries plain TCP first and TLS second; postgres-nio can only ask for TLS first, so
    /// this behaves as ``prefer``. Either way the connection may end up unencrypted.
    case allow
    /// TLS when the server offers it, plain TCP otherwise; the certificate is not verified
    /// (libpq's default, and ours): protects against passive eavesdropping only.
    case prefer
    /// TLS or no connection. The certificate is not verified unless a root certificate is
    /// given, in which case the chain is verified as in ``verifyCA`` (libpq's compatibility rule).
    case require
    /// TLS, and the server's certificate chain must lead to a trusted root; the host name is not checked.
    case verifyCA = "verify-ca"
    /// As ``verifyCA``, and the certificate must name the host connected to: protects against
    /// an active man in the middle. One difference from libpq (NIOSSL's rule, which
    /// postgres-nio gives no way to change): a certificate's IP-address entry equal to the
    /// address actually connected to is accepted even when the host was given as a DNS name.
    case verifyFull = "verify-full"

    /// The accepted spellings, comma-separated, for error messages.
    public static var allowedValues: String { allCases.map(\.rawValue).joined(separator: ", ") }

    /// Whether a connection in this mode may end up without TLS.
    var allowsPlaintext: Bool { self == .disable || self == .allow || self == .prefer }
}

/// How to reach PostgreSQL and how long to wait for it.
public struct PostgresStoreOptions: Sendable {
    /// The ``rootCertificatePath`` value that means "the system trust store" (as in libpq 16+).
    public static let systemRootCertificates = "system"

    /// Server host name or address.
    public var host: String
    /// Server port.
    public var port: Int
    /// Role to connect as: an ordinary role that owns the schema, never a superuser.
    public var username: String
    /// Password of ``username``, if the server asks for one.
    public var password: String?
    /// Database name.
    public var database: String
    /// Whether and how TLS is used (`sslmode`, `database.timescaledb.ssl_mode`).
    public var tlsMode: PostgresTLSMode
    /// PEM file of the certificate authorities to trust (`sslrootcert`,
    /// `database.timescaledb.ssl_root_cert`), or ``systemRootCertificates``; `nil` for none given.
    public var rootCertificatePath: String?
    /// Most connections the pool opens (`database.connection_pool_size`).
    public var maximumConnections: Int
    /// Longest wait for a new connection (`database.connection_timeout`).
    public var connectTimeout: Duration
    /// Longest wait for one transaction, connection lease included (`database.query_timeout`);
    /// past it the operation fails with ``ChurnGuardStorage/StoreError/unavailable(_:)``.
    public var queryTimeout: Duration

    /// Creates options. TLS defaults to libpq's default, ``PostgresTLSMode/prefer``.
    public init(host: String, port: Int = 5432, username: String, password: String? = nil, database: String,
                tlsMode: PostgresTLSMode = .prefer, rootCertificatePath: String? = nil,
                maximumConnections: Int = 20, connectTimeout: Duration = .seconds(10), queryTimeout: Duration = .seconds(30)) {
        self.host = host
        self.port = port
        self.username = username
        self.password = password
        self.database = database
        self.tlsMode = tlsMode
        self.rootCertificatePath = rootCertificatePath
        self.maximumConnections = maximumConnections
        self.connectTimeout = connectTimeout
        self.queryTimeout = queryTimeout
    }

    /// Parses `postgresql://user[:password]@host[:port]/database[?sslmode=…&sslrootcert=…]`
    /// (`postgres://` too). `sslmode` takes libpq's values (``PostgresTLSMode``, default
    /// `prefer`); `sslrootcert` is a PEM file path, or `system`. The file is read when the
    /// store is opened (or by ``validateTLS()``), not here.
    /// - Throws: ``PostgresURLError`` naming the problem (never the password).
    public init(url text: String) throws {
        guard let components = URLComponents(string: text),
              let scheme = components.scheme, scheme == "postgresql" || scheme == "postgres" else {
            throw PostgresURLError(problem: "must start with postgresql:// or postgres://")
        }
        guard let host = components.host, !host.isEmpty else { throw PostgresURLError(problem: "has no host") }
        guard let user = components.user, !user.isEmpty else { throw PostgresURLError(problem: "has no user name") }
        let database = String(components.path.drop(while: { $0 == "/" }))
        guard !database.isEmpty else { throw PostgresURLError(problem: "has no database name") }
        let query = components.queryItems ?? []
        let modeText = query.last(where: { $0.name == "sslmode" })?.value ?? PostgresTLSMode.prefer.rawValue
        guard let mode = PostgresTLSMode(rawValue: modeText) else {
            throw PostgresURLError(problem: "has sslmode=\(modeText), which is not valid; use one of \(PostgresTLSMode.allowedValues)")
        }
        let rootCertificate = query.last(where: { $0.name == "sslrootcert" })?.value.flatMap { $0.isEmpty ? nil : $0 }
        if let problem = Self.combinationProblem(mode, rootCertificate) {
            throw PostgresURLError(problem: "has \(problem)")
        }
        self.init(host: host, port: components.port ?? 5432, username: user.removingPercentEncoding ?? user,
                  password: components.password.map { $0.removingPercentEncoding ?? $0 }, database: database,
                  tlsMode: mode, rootCertificatePath: rootCertificate)
    }

    /// Why `mode` and `rootCertificate` cannot go together, or `nil`. As libpq 16 does,
    /// `sslrootcert=system` is refused with any mode but `verify-full`: trusting every public
    /// CA without checking the host name would accept anyone's certificate.
    static func combinationProblem(_ mode: PostgresTLSMode, _ rootCertificate: String?) -> String? {
        guard rootCertificate == systemRootCertificates, mode != .verifyFull else { return nil }
        return "sslmode=\(mode.rawValue) with sslrootcert=system, which libpq refuses too; use sslmode=verify-full"
    }

    /// Reads and parses the root certificate file, if any, as opening the store will: lets
    /// start-up report a missing or unreadable file as a configuration error.
    /// - Throws: ``PostgresTLSError`` naming the file and the problem.
    public func validateTLS() throws(PostgresTLSError) {
        _ = try tlsConfiguration()
    }

    /// The postgres-nio configuration for these options.
    /// - Throws: ``PostgresTLSError`` when the root certificate file cannot be used.
    func clientConfiguration() throws(PostgresTLSError) -> PostgresClient.Configuration {
        var configuration = PostgresClient.Configuration(
            host: host, port: port, username: username, password: password, database: database, tls: try tlsConfiguration())
        configuration.options.maximumConnections = max(1, maximumConnections)
        configuration.options.connectTimeout = connectTimeout
        return configuration
    }

    /// ``tlsMode`` and ``rootCertificatePath`` as postgres-nio's TLS setting. When a host is
    /// an IP address postgres-nio sends no server name, and `verify-full` then matches the
    /// certificate's IP-address entries against the address connected to.
    func tlsConfiguration() throws(PostgresTLSError) -> PostgresClient.Configuration.TLS {
        if let problem = Self.combinationProblem(tlsMode, rootCertificatePath) { throw PostgresTLSError(problem: problem) }
        var tls = TLSConfiguration.makeClientConfiguration()
        tls.minimumTLSVersion = .tlsv12  // libpq's default ssl_min_protocol_version
        let roots = try trustRoots()
        switch tlsMode {
        case .disable:
            return .disable
        case .allow, .prefer:
            tls.certificateVerification = .none
            return .prefer(tls)
        case .require:
            if let roots {
                tls.trustRoots = roots
                tls.certificateVerification = .noHostnameVerification
            } else {
                tls.certificateVerification = .none
            }
            return .require(tls)
        case .verifyCA:
            tls.trustRoots = roots ?? .default
            tls.certificateVerification = .noHostnameVerification
            return .require(tls)
        case .verifyFull:
            tls.trustRoots = roots ?? .default
            tls.certificateVerification = .fullVerification
            return .require(tls)
        }
    }

    /// The certificates in ``rootCertificatePath``, `.default` for `system`, `nil` when none is
    /// given. Only read for the modes that use it.
    private func trustRoots() throws(PostgresTLSError) -> NIOSSLTrustRoots? {
        guard let path = rootCertificatePath, tlsMode != .disable, !tlsMode.allowsPlaintext else { return nil }
        if path == Self.systemRootCertificates { return .default }
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw PostgresTLSError(problem: "root certificate file \(path) does not exist")
        }
        guard !isDirectory.boolValue else {
            throw PostgresTLSError(problem: "root certificate file \(path) is a directory, not a PEM file")
        }
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: path))
        } catch {
            throw PostgresTLSError(problem: "root certificate file \(path) cannot be read (\(error.localizedDescription))")
        }
        let certificates = (try? NIOSSLCertificate.fromPEMBytes(Array(data))) ?? []
        guard !certificates.isEmpty else {
            throw PostgresTLSError(problem: "root certificate file \(path) holds no PEM certificate (-----BEGIN CERTIFICATE-----)")
        }
        return .certificates(certificates)
    }
}

/// A database URL that cannot be used; the message never contains the password.
public struct PostgresURLError: Error, CustomStringConvertible {
    /// What is wrong with the URL.
    public let problem: String
    public var description: String { "database URL \(problem)" }
}

/// TLS settings that cannot be used: a root certificate file that is missing, unreadable or
/// holds no certificate, or a mode that contradicts it. Raised when the store is opened, so
/// that a bad setting stops start-up instead of failing every connection later.
public struct PostgresTLSError: Error, Sendable, CustomStringConvertible {
    /// What is wrong; names the file, never a password.
    public let problem: String
    /// Creates an error.
    public init(problem: String) { self.problem = problem }
    public var description: String { "PostgreSQL TLS: \(problem)" }
}
