/// The points of a request body, and the problems found while reading them.
public struct ParsedPoints: Sendable {
    /// Points that were read (including ones with problems, so indexes line up).
    public var points: [MetricPoint]
    /// Per-field problems found while reading; validation adds more later.
    public var problems: [ErrorDetail]
}

/// Decodes ingest payloads straight from UTF-8 bytes.
///
/// `{"points":[{"metric_name","timestamp","value","tags"?,"metadata"?}, …]}` for the HTTP
/// API, one point object per line for JSON Lines files. Timestamps are RFC 3339 strings or
/// epoch seconds (a JSON number, fractions allowed). Unknown fields are ignored so that
/// clients can send extra data without breaking. Syntax errors throw; wrong types are
/// reported per point and field so a client sees every problem at once.
public enum PointPayloadParser {
    /// Parses a whole `{"points": [...]}` body.
    public static func parseBatch(_ body: UnsafeRawBufferPointer) throws(JSONSyntaxError) -> ParsedPoints {
        var scanner = JSONScanner(body.bindMemory(to: UInt8.self))
        var result = ParsedPoints(points: [], problems: [])
        var sawPoints = false
        try scanner.expect(0x7B, "a JSON object")
        if !scanner.consume(0x7D) {
            repeat {
                let key = try scanner.readString()
                try scanner.expect(0x3A, "':'")
                if key == "points" {
                    sawPoints = true
                    guard scanner.peek() == 0x5B else {
                        try scanner.skipValue()
                        result.problems.append(ErrorDetail(field: "points", message: "must be an array of point objects"))
                        continue
                    }
                    scanner.index += 1
                    if !scanner.consume(0x5D) {
                        repeat {
                            try readPoint(&scanner, index: result.points.count, into: &result)
                        } while scanner.consume(0x2C)
                        try scanner.expect(0x5D, "',' or ']'")
                    }
                } else {
                    try scanner.skipValue()
                }
            } while scanner.consume(0x2C)
            try scanner.expect(0x7D, "',' or '}'")
        }
        scanner.skipWhitespace()
        guard scanner.isAtEnd else { throw scanner.fail("unexpected data after the JSON object") }
        if !sawPoints { result.problems.append(ErrorDetail(field: "points", message: "is required")) }
        return result
    }

    /// Parses one point object (a JSON Lines line); `index` labels its problems.
    public static func parsePoint(_ line: UnsafeRawBufferPointer, index: Int) throws(JSONSyntaxError) -> ParsedPoints {
        var scanner = JSONScanner(line.bindMemory(to: UInt8.self))
        var result = ParsedPoints(points: [], problems: [])
        try readPoint(&scanner, index: index, into: &result)
        scanner.skipWhitespace()
        guard scanner.isAtEnd else { throw scanner.fail("unexpected data after the point object") }
        return result
    }

    private static func readPoint(_ scanner: inout JSONScanner, index: Int, into result: inout ParsedPoints) throws(JSONSyntaxError) {
        guard scanner.peek() == 0x7B else {
            try scanner.skipValue()
            result.problems.append(ErrorDetail(index: index, field: "", message: "each point must be a JSON object"))
            result.points.append(MetricPoint(metricName: "", timestamp: Timestamp(microseconds: 0), value: 0))
            return
        }
        scanner.index += 1
        var name: String?
        var timestamp: Timestamp?
        var value: Double?
        var tags: [String: String] = [:]
        var metadata: String?
        var problems: [ErrorDetail] = []
        if !scanner.consume(0x7D) {
            repeat {
                let key = try scanner.readString()
                try scanner.expect(0x3A, "':'")
                switch key {
                case "metric_name":
                    if scanner.peek() == 0x22 { name = try scanner.readString() } else {
                        try scanner.skipValue()
                        problems.append(ErrorDetail(index: index, field: "metric_name", message: "must be a string"))
                    }
                case "timestamp":
                    timestamp = try readTimestamp(&scanner, index: index, problems: &problems)
                case "value":
                    if let next = scanner.peek(), next == 0x2D || (next >= 0x30 && next <= 0x39) {
                        value = try scanner.readNumber()
                    } else {
                        try scanner.skipValue()
                        problems.append(ErrorDetail(index: index, field: "value", message: "must be a finite number"))
                    }
                case "tags":
                    tags = try readTags(&scanner, index: index, problems: &problems)
                case "metadata":
                    metadata = try readMetadata(&scanner, index: index, problems: &problems)
                default:
                    try scanner.skipValue()
                }
            } while scanner.consume(0x2C)
            try scanner.expect(0x7D, "',' or '}'")
        }
        if name == nil, !problems.contains(where: { $0.field == "metric_name" }) {
            problems.append(ErrorDetail(index: index, field: "metric_name", message: "is required"))
        }
        if timestamp == nil, !problems.contains(where: { $0.field == "timestamp" }) {
            problems.append(ErrorDetail(index: index, field: "timestamp", message: "is required"))
        }
        if value == nil, !problems.contains(where: { $0.field == "value" }) {
            problems.append(ErrorDetail(index: index, field: "value", message: "is required"))
        }
        result.problems.append(contentsOf: problems)
        result.points.append(MetricPoint(
            metricName: name ?? "", timestamp: timestamp ?? Timestamp(microseconds: 0),
            value: value ?? 0, tags: tags, metadataJSON: metadata))
    }

    private static func readTimestamp(_ scanner: inout JSONScanner, index: Int, problems: inout [ErrorDetail]) throws(JSONSyntaxError) -> Timestamp? {
        switch scanner.peek() {
        case 0x22:
            let start = scanner.index + 1
            _ = try scanner.readString()
            let raw = UnsafeBufferPointer(rebasing: scanner.bytes[start..<(scanner.index - 1)])
            if let parsed = RFC3339.parse(bytes: raw) { return parsed }
            problems.append(ErrorDetail(index: index, field: "timestamp", message: "must be RFC 3339 (e.g. 2026-11-29T08:00:00Z) or epoch seconds"))
            return nil
        case .some(let byte) where byte == 0x2D || (byte >= 0x30 && byte <= 0x39):
            let seconds = try scanner.readNumber()
            guard let timestamp = Timestamp(epochSeconds: seconds) else {
                problems.append(ErrorDetail(index: index, field: "timestamp", message: "epoch seconds out of range"))
                return nil
            }
            return timestamp
        default:
            try scanner.skipValue()
            problems.append(ErrorDetail(index: index, field: "timestamp", message: "must be an RFC 3339 string or epoch seconds"))
            return nil
        }
    }

    private static func readTags(_ scanner: inout JSONScanner, index: Int, problems: inout [ErrorDetail]) throws(JSONSyntaxError) -> [String: String] {
        if scanner.peek() == 0x6E { try scanner.readLiteral("null"); return [:] }
        guard scanner.peek() == 0x7B else {
            try scanner.skipValue()
            problems.append(ErrorDetail(index: index, field: "tags", message: "must be an object of string values"))
            return [:]
        }
        scanner.index += 1
        var tags: [String: String] = [:]
        if scanner.consume(0x7D) { return tags }
        repeat {
            let key = try scanner.readString()
            try scanner.expect(0x3A, "':'")
            if scanner.peek() == 0x22 {
                tags[key] = try scanner.readString()
            } else {
                try scanner.skipValue()
                problems.append(ErrorDetail(index: index, field: "tags.\(key.prefix(64))", message: "tag values must be strings"))
            }
        } while scanner.consume(0x2C)
        try scanner.expect(0x7D, "',' or '}'")
        return tags
    }

    private static func readMetadata(_ scanner: inout JSONScanner, index: Int, problems: inout [ErrorDetail]) throws(JSONSyntaxError) -> String? {
        if scanner.peek() == 0x6E { try scanner.readLiteral("null"); return nil }
        guard scanner.peek() == 0x7B else {
            try scanner.skipValue()
            problems.append(ErrorDetail(index: index, field: "metadata", message: "must be a JSON object"))
            return nil
        }
        let start = scanner.index
        try scanner.skipValue()
        return String(decoding: UnsafeBufferPointer(rebasing: scanner.bytes[start..<scanner.index]), as: UTF8.self)
    }
}
