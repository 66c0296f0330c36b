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
        // Built in one string without intermediate dictionaries: this runs once per request
        // for the access line. Handler metadata comes first, then the event's, which wins.
        var line = ""
        line.reserveCapacity(320)
        line += "{\"time\":\""
        line += Timestamp(Date()).description
        line += "\",\"level\":\""
        line += event.level.rawValue
        line += "\",\"logger\":"
        JSONText.appendString(label, to: &line)
        line += ",\"message\":"
        JSONText.appendString(event.message.description, to: &line)
        let eventMetadata = event.metadata ?? [:]
        for (key, value) in metadata where eventMetadata[key] == nil {
            Self.appendField(key, value, to: &line)
        }
        for (key, value) in eventMetadata {
            Self.appendField(key, value, to: &line)
        }
        line += "}\n"
        sink.write(line)
    }

    private static func appendField(_ key: String, _ value: Logger.MetadataValue, to line: inout String) {
        line += ","
        JSONText.appendString(LogFieldNames.name(of: key), to: &line)
        line += ":"
        if case .string(let text) = value {
            JSONText.appendString(text, to: &line)
        } else {
            JSONText.appendString(value.description, to: &line)
        }
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
