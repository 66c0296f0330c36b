public import ChurnGuardStorage
public import Logging
import StorageSQLite

/// Opens the configured backend: the one place that knows the concrete store types.
public enum StoreFactory {
    /// Opens the store named by `database.backend`.
    /// - Throws: ``ConfigError`` for a backend this build does not provide, or the store's
    ///   error when it cannot be opened.
    public static func open(_ configuration: AppConfiguration, logger: Logger) throws -> any AnalyticsStore {
        switch configuration.backend {
        case .sqlite:
            return try SQLiteStore(path: configuration.sqlitePath)
        case .memory:
            logger.warning("database.backend is 'memory': every point is lost when the process exits")
            return InMemoryStore()
        case .timescaledb, .postgres, .influxdb:
            throw ConfigError(
                source: configuration.values.source(of: "database.backend"), key: "database.backend",
                problem: "the '\(configuration.backend.rawValue)' backend is not available in this build yet; use sqlite or memory")
        }
    }
}
