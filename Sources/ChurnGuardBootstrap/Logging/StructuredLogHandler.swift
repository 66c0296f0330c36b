public import Logging
import ChurnGuardCore
import Foundation
import Synchronization

/// Writes one JSON object per log line to standard error (`logging.format: structured`),
/// ready for a log shipper; `text` keeps swift-log's default console format.
public struct StructuredLogHandler: LogHandler {
    /// Serialises writes so concurrent lines never interleave.
    private static let output = Mutex(())

    public var metadata: Logger.Metadata = [:]
    public var logLevel: Logger.Level = .info
    private let label: String

    /// A handler for the logger named `label`.
    public init(label: String) { self.label = label }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(event: LogEvent) {
        var fields: [String: String] = [:]
        for (key, value) in metadata { fields[key] = "\(value)" }
        for (key, value) in event.metadata ?? [:] { fields[key] = "\(value)" }
        var line = "{\"timestamp\":\"\(Timestamp(Date()))\",\"level\":\"\(event.level)\",\"logger\":"
        line += Self.quote(label) + ",\"message\":" + Self.quote("\(event.message)")
        for key in fields.keys.sorted() {
            line += "," + Self.quote(key) + ":" + Self.quote(fields[key] ?? "")
        }
        line += "}\n"
        Self.output.withLock { _ in FileHandle.standardError.write(Data(line.utf8)) }
    }

    static func quote(_ text: String) -> String {
        var out = ""
        JSONText.appendString(text, to: &out)
        return out
    }
}

/// Sets up swift-log once for the process from the configuration.
public enum LoggingSetup {
    private static let done = Mutex(false)

    /// Installs the handler chosen by `logging.format` at `logging.level`; later calls do nothing.
    public static func bootstrap(format: String, level: String) {
        let first = done.withLock { already in
            defer { already = true }
            return !already
        }
        guard first else { return }
        let parsed = Logger.Level(rawValue: level) ?? .info
        LoggingSystem.bootstrap { label in
            var handler: any LogHandler = format == "text"
                ? StreamLogHandler.standardError(label: label) : StructuredLogHandler(label: label)
            handler.logLevel = parsed
            return handler
        }
    }
}
