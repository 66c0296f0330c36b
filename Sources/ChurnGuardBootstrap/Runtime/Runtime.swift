public import ChurnGuardStorage
public import Logging
import Foundation

/// Configuration, logger and store, opened the same way by every command.
public struct Runtime: Sendable {
    /// The validated configuration.
    public let configuration: AppConfiguration
    /// The opened (and, on the embedded backends, migrated) stores, by role.
    public let backends: Backends
    /// The process logger.
    public let logger: Logger

    /// Reads configuration (`configPath`, else `config/analytics.yaml` when present), sets
    /// up logging and opens the store. The embedded backends migrate themselves, so a fresh
    /// checkout needs no manual step.
    public static func open(configPath: String?, overrides: [String: String] = [:], migrate: Bool = true) async throws -> Runtime {
        var values = try ConfigValues.load(configFile: configPath ?? "config/analytics.yaml", required: configPath != nil)
        for (key, value) in overrides { values.set(key, value) }
        let configuration = try AppConfiguration(values: values)
        do {
            try LoggingSetup.bootstrap(.init(format: configuration.logFormat, level: configuration.logLevel, file: configuration.logFile,
                                            maxSizeMB: configuration.logMaxSizeMB, backupCount: configuration.logBackupCount))
        } catch {
            throw ConfigError(source: configuration.values.source(of: ConfigSchema.logFile.path), key: ConfigSchema.logFile.path,
                              problem: "cannot be opened for writing: \(error.localizedDescription)")
        }
        var logger = Logger(label: "churnguard")
        logger.logLevel = Logger.Level(rawValue: configuration.logLevel) ?? .info
        for warning in configuration.pendingSettingWarnings { logger.warning("\(warning)") }
        let backends = try StoreFactory.open(configuration, logger: logger)
        await StoreFactory.startupChecks(backends, logger: logger)
        if migrate, configuration.backend == .sqlite || configuration.backend == .memory {
            let applied = try await backends.lifecycle.migrate()
            for name in applied { logger.info("applied migration", metadata: ["migration": "\(name)"]) }
        }
        return Runtime(configuration: configuration, backends: backends, logger: logger)
    }

    /// Stops what the backends run in the background (the PostgreSQL pool's connections).
    public func close() async {
        await backends.lifecycle.shutdown()
    }
}
