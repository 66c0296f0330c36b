public import Logging
import ChurnGuardCore
import Foundation

/// Writes one JSON object per log line (`logging.format: structured`), ready for a log
/// shipper: `time`, `level`, `logger`, `message`, then every metadata field — among them
/// `request_id`, `trace_id`, `organization_id`, `route`, `status` and `duration_ms` on the
/// lines of a request. Field values are JSON strings, escaped, so no value can break a line.
public struct StructuredLogHandler: LogHandler {
    public var metadata: Logger.Metadata = [:]
    public var logLevel: Logger.Level = .info
    private let label: String
    private let sink: any LogSink

    /// A handler for the logger named `label`, writing to `sink` (standard error by default).
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
        var line = "{\"time\":\"\(Timestamp(Date()))\",\"level\":\"\(event.level)\",\"logger\":"
        line += Self.quote(label) + ",\"message\":" + Self.quote("\(event.message)")
        for key in fields.keys.sorted() {
            line += "," + Self.quote(key) + ":" + Self.quote(fields[key] ?? "")
        }
        line += "}\n"
        sink.write(line)
    }

    static func quote(_ text: String) -> String {
        var out = ""
        JSONText.appendString(text, to: &out)
        return out
    }
}

/// Field names in log lines: the framework's request-id key is written as `request_id`.
enum LogFieldNames {
    static func name(of key: String) -> String {
        key == "hb.request.id" ? "request_id" : key
    }
}
