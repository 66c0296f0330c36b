public import ChurnGuardStorage
public import Logging
import StoragePostgres
import StorageSQLite

/// Opens the configured backend: the one place that knows the concrete store types.
public enum StoreFactory {
    /// Opens the backend named by `database.backend` and assembles its roles.
    /// - Throws: ``ConfigError`` for a backend this build does not provide, or the store's
    ///   error when it cannot be opened.
    public static func open(_ configuration: AppConfiguration, logger: Logger) throws -> Backends {
        let name = configuration.backend.rawValue
        switch configuration.backend {
        case .sqlite:
            return .single(try SQLiteStore(path: configuration.sqlitePath, queryTimeout: .seconds(configuration.queryTimeoutSeconds)),
                           name: name)
        case .memory:
            logger.warning("database.backend is 'memory': every point is lost when the process exits")
            return .single(InMemoryStore(), name: name)
        case .timescaledb, .postgres:
            let options = try postgresOptions(configuration)
            do {
                return .single(try PostgresStore.open(options, logger: logger), name: name)
            } catch {
                // postgresOptions read the file already; this is for one removed since.
                let key = tlsKey(configuration)
                throw ConfigError(source: configuration.values.source(of: key), key: key, problem: error.problem)
            }
        case .influxdb:
            throw ConfigError(
                source: configuration.values.source(of: "database.backend"), key: "database.backend",
                problem: "the '\(configuration.backend.rawValue)' backend is not available in this build yet; use sqlite, memory or postgres")
        }
    }

    /// Logs what the backends find worth a warning once open (for PostgreSQL, a connecting
    /// role that row-level security cannot bind).
    public static func startupChecks(_ backends: Backends, logger: Logger) async {
        for warning in await backends.lifecycle.startupWarnings() {
            logger.warning("\(warning)")
        }
    }

    /// Pool options from `database.timescaledb.url` (`TIMESCALEDB_URL`) or, without it, from
    /// `database.timescaledb.host`/`port`/`database`/`username`/`password`/`ssl_mode`/`ssl_root_cert`,
    /// with `database.connection_pool_size`, `connection_timeout` and `query_timeout` (seconds).
    /// The root certificate file, if any, is read here, so a bad one stops start-up.
    static func postgresOptions(_ configuration: AppConfiguration) throws(ConfigError) -> PostgresStoreOptions {
        let values = configuration.values
        let urlKey = "database.timescaledb.url"
        let modeKey = "database.timescaledb.ssl_mode"
        let rootKey = "database.timescaledb.ssl_root_cert"
        var options: PostgresStoreOptions
        if let url = values.optionalString(urlKey), !url.isEmpty {
            do { options = try PostgresStoreOptions(url: url) } catch {
                throw ConfigError(source: values.source(of: urlKey), key: urlKey, problem: "\(error)")
            }
        } else {
            let modeText = try values.choice(modeKey, default: PostgresTLSMode.prefer.rawValue,
                                             allowed: PostgresTLSMode.allCases.map(\.rawValue))
            options = PostgresStoreOptions(
                host: values.string("database.timescaledb.host", default: "localhost"),
                port: try values.int("database.timescaledb.port", default: 5432, range: 1...65_535),
                username: values.string("database.timescaledb.username", default: "analytics_user"),
                password: values.optionalString("database.timescaledb.password").flatMap { $0.isEmpty ? nil : $0 },
                database: values.string("database.timescaledb.database", default: "analytics_db"),
                tlsMode: PostgresTLSMode(rawValue: modeText) ?? .prefer,
                rootCertificatePath: values.optionalString(rootKey))
        }
        do { try options.validateTLS() } catch {
            let key = tlsKey(configuration)
            throw ConfigError(source: values.source(of: key), key: key, problem: error.problem)
        }
        options.maximumConnections = try values.int("database.connection_pool_size", default: 20, range: 1...1000)
        options.connectTimeout = .seconds(try values.int("database.connection_timeout", default: 30, range: 1...3600))
        options.queryTimeout = .seconds(try values.int("database.query_timeout", default: 60, range: 1...3600))
        return options
    }

    /// The key that set the TLS options: the URL when there is one, else `ssl_root_cert`.
    private static func tlsKey(_ configuration: AppConfiguration) -> String {
        configuration.values.optionalString("database.timescaledb.url") != nil
            ? "database.timescaledb.url" : "database.timescaledb.ssl_root_cert"
    }
}
