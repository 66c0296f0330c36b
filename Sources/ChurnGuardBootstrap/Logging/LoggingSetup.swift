public import Logging
import Synchronization

/// Sets up swift-log once for the process from the configuration.
public enum LoggingSetup {
    private static let done = Mutex(false)

    /// Where and how to log: `logging.format`, `logging.level`, and `logging.file` with its
    /// rotation (`max_size_mb`, `backup_count`).
    public struct Settings: Sendable {
        /// `structured` or `text`.
        public var format: String
        /// The least severe level logged.
        public var level: String
        /// The log file; nil: standard error.
        public var file: String?
        /// Size of the file before rotation, in MiB.
        public var maxSizeMB = 100
        /// Rotated files kept.
        public var backupCount = 5

        /// Settings with these values.
        public init(format: String, level: String, file: String? = nil, maxSizeMB: Int = 100, backupCount: Int = 5) {
            self.format = format
            self.level = level
            self.file = file
            self.maxSizeMB = maxSizeMB
            self.backupCount = backupCount
        }
    }

    /// Installs the handler chosen by `settings`; later calls do nothing.
    /// - Throws: when `logging.file` cannot be opened.
    public static func bootstrap(_ settings: Settings) throws {
        let first = done.withLock { already in
            defer { already = true }
            return !already
        }
        guard first else { return }
        let sink = try makeSink(settings)
        let factory = handlerFactory(format: settings.format, level: settings.level, sink: sink)
        LoggingSystem.bootstrap(factory)
    }

    /// Installs the handler chosen by `logging.format` at `logging.level` on standard error.
    public static func bootstrap(format: String, level: String) {
        try? bootstrap(Settings(format: format, level: level))
    }

    /// The sink for `settings`: a rotating file, or standard error.
    public static func makeSink(_ settings: Settings) throws -> any LogSink {
        guard let file = settings.file, !file.isEmpty else { return StandardErrorSink() }
        return try RotatingFileSink(path: file, maxBytes: settings.maxSizeMB * 1024 * 1024, backupCount: settings.backupCount)
    }

    /// Makes handlers of `format` at `level` writing to `sink`.
    public static func handlerFactory(format: String, level: String, sink: any LogSink) -> @Sendable (String) -> any LogHandler {
        let parsed = Logger.Level(rawValue: level) ?? .info
        return { label in
            var handler: any LogHandler = format == "text"
                ? TextLogHandler(label: label, sink: sink) : StructuredLogHandler(label: label, sink: sink)
            handler.logLevel = parsed
            // Errors also go to the operator's routes once a process attaches its outbox
            // (monitoring.alert_on_errors); until then this only forwards.
            return OperatorAlertLogHandler(inner: handler, label: label)
        }
    }
}
