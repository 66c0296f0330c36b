import Foundation
import PostgresNIO

/// How to reach PostgreSQL and how long to wait for it.
public struct PostgresStoreOptions: Sendable {
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
    /// Most connections the pool opens (`database.connection_pool_size`).
    public var maximumConnections: Int
    /// Longest wait for a new connection (`database.connection_timeout`).
    public var connectTimeout: Duration
    /// Longest wait for one transaction, connection lease included (`database.query_timeout`);
    /// past it the operation fails with ``ChurnGuardStorage/StoreError/unavailable(_:)``.
    public var queryTimeout: Duration

    /// Creates options.
    public init(host: String, port: Int = 5432, username: String, password: String? = nil, database: String,
                maximumConnections: Int = 20, connectTimeout: Duration = .seconds(10), queryTimeout: Duration = .seconds(30)) {
        self.host = host
        self.port = port
        self.username = username
        self.password = password
        self.database = database
        self.maximumConnections = maximumConnections
        self.connectTimeout = connectTimeout
        self.queryTimeout = queryTimeout
    }

    /// Parses `postgresql://user[:password]@host[:port]/database[?sslmode=disable]`
    /// (`postgres://` too). TLS is not supported yet: an `sslmode` other than `disable` or
    /// `prefer` is refused rather than silently ignored.
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
        let sslMode = components.queryItems?.first(where: { $0.name == "sslmode" })?.value ?? "disable"
        guard sslMode == "disable" || sslMode == "prefer" else {
            throw PostgresURLError(problem: "sslmode=\(sslMode) is not supported yet (use disable, or a TLS-terminating proxy)")
        }
        self.init(host: host, port: components.port ?? 5432, username: user.removingPercentEncoding ?? user,
                  password: components.password.map { $0.removingPercentEncoding ?? $0 }, database: database)
    }

    /// The postgres-nio configuration for these options.
    var clientConfiguration: PostgresClient.Configuration {
        var configuration = PostgresClient.Configuration(
            host: host, port: port, username: username, password: password, database: database, tls: .disable)
        configuration.options.maximumConnections = max(1, maximumConnections)
        configuration.options.connectTimeout = connectTimeout
        return configuration
    }
}

/// A database URL that cannot be used; the message never contains the password.
public struct PostgresURLError: Error, CustomStringConvertible {
    /// What is wrong with the URL.
    public let problem: String
    public var description: String { "database URL \(problem)" }
}
