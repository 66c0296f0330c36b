public import ChurnGuardStorage
public import Logging
import StoragePostgres
import StorageSQLite
import ChurnGuardNotifications

/// Opens the configured backend: the one place that knows the concrete store types.
public enum StoreFactory {
    /// Opens the backend named by `database.backend` and assembles its roles.
    /// - Throws: ``ConfigError`` for a backend this build does not provide, or the store's
    ///   error when it cannot be opened.
    public static func open(_ configuration: AppConfiguration, logger: Logger) throws -> Backends {
        let backends = try openBackend(configuration, logger: logger)
        // Route secrets are sealed at rest whenever a key is configured, whatever the backend.
        guard let key = configuration.notifications.secretsKey else { return backends }
        return backends.replacing(notifications: SealedNotificationStore(base: backends.notifications,
                                                                        sealer: NotificationSecretSealer(secret: key)))
    }

    private static func openBackend(_ configuration: AppConfiguration, logger: Logger) throws -> Backends {
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
        typealias S = ConfigSchema
        var options: PostgresStoreOptions
        if let url = try S.timescaleURL.read(values) {
            do { options = try PostgresStoreOptions(url: url) } catch {
                throw values.fail(S.timescaleURL.path, "\(error)")
            }
        } else {
            options = PostgresStoreOptions(
                host: try S.timescaleHost.read(values),
                port: try S.timescalePort.read(values),
                username: try S.timescaleUsername.read(values),
                password: try S.timescalePassword.read(values),
                database: try S.timescaleDatabase.read(values),
                tlsMode: PostgresTLSMode(rawValue: try S.timescaleSSLMode.read(values)) ?? .prefer,
                rootCertificatePath: try S.timescaleRootCert.read(values))
        }
        do { try options.validateTLS() } catch {
            throw values.fail(tlsKey(configuration), error.problem)
        }
        options.maximumConnections = try S.poolSize.read(values)
        options.connectTimeout = .seconds(try S.connectTimeout.read(values))
        options.queryTimeout = .seconds(try S.queryTimeout.read(values))
        return options
    }

    /// The key that set the TLS options: the URL when there is one, else `ssl_root_cert`.
    private static func tlsKey(_ configuration: AppConfiguration) -> String {
        (try? ConfigSchema.timescaleURL.read(configuration.values)) ?? nil != nil
            ? ConfigSchema.timescaleURL.path : ConfigSchema.timescaleRootCert.path
    }
}
