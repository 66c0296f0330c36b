public import Logging
import ChurnGuardCore
import Foundation

/// A readable line per event (`logging.format: text`):
/// `2026-12-01T15:00:00Z info churnguard: request completed method=GET route=/health status=200 …`,
/// metadata sorted by key; line breaks inside values are escaped so a line stays one line.
public struct TextLogHandler: LogHandler {
    public var metadata: Logger.Metadata = [:]
    public var logLevel: Logger.Level = .info
    private let label: String
    private let sink: any LogSink

    /// A handler for the logger named `label`, writing to `sink`.
    public init(label: String, sink: any LogSink = StandardErrorSink()) {
        self.label = label
        self.sink = sink
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(event: LogEvent) {
        var fields: [String: String] = [:]
        for (key, value) in metadata { fields[LogFieldNames.name(of: key)] = "\(value)" }
        for (key, value) in event.metadata ?? [:] { fields[LogFieldNames.name(of: key)] = "\(value)" }
        var line = "\(Timestamp(Date())) \(event.level) \(label): \(Self.oneLine("\(event.message)"))"
        for key in fields.keys.sorted() {
            line += " \(key)=\(Self.oneLine(fields[key] ?? ""))"
        }
        sink.write(line + "\n")
    }

    private static func oneLine(_ text: String) -> String {
        guard text.contains(where: \.isNewline) else { return text }
        return text.replacingOccurrences(of: "\r", with: "\\r").replacingOccurrences(of: "\n", with: "\\n")
    }
}
