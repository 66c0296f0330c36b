/// Decodes ingest payloads straight from UTF-8 bytes.
///
/// `{"points":[{"metric_name","timestamp","value","tags"?,"metadata"?}, …]}` for the HTTP
/// API, one point object per line for JSON Lines files. Timestamps are RFC 3339 strings or
/// epoch seconds (a JSON number, fractions allowed). Unknown fields are ignored so that
/// clients can send extra data without breaking. Syntax errors throw, and so do ill-formed
/// UTF-8 and duplicate keys in any object (both would make the stored data differ from
/// what was sent); wrong types are reported per point and field so a client sees every
/// problem at once. ``ParseLimits`` bounds what is kept, so memory follows the limits and
/// the body size, not the number of values a body can hold.
public enum PointPayloadParser {
    /// Parses a whole `{"points": [...]}` body, keeping at most what `limits` allows.
    public static func parseBatch(_ body: UnsafeRawBufferPointer, limits: ParseLimits = .unbounded) throws(JSONSyntaxError) -> ParsedPoints {
        var scanner = JSONScanner(body.bindMemory(to: UInt8.self))
        var result = ParsedPoints(points: [], problems: [])
        var sawPoints = false
        var keys = JSONKeySet()
        try scanner.expect(0x7B, "a JSON object")
        if !scanner.consume(0x7D) {
            repeat {
                let key = try scanner.readKey(into: &keys)
                try scanner.expect(0x3A, "':'")
                if key == "points" {
                    sawPoints = true
                    try readPoints(&scanner, limits: limits, into: &result)
                } else {
                    try scanner.skipValue()
                }
            } while scanner.consume(0x2C)
            try scanner.expect(0x7D, "',' or '}'")
        }
        scanner.skipWhitespace()
        guard scanner.isAtEnd else { throw scanner.fail("unexpected data after the JSON object") }
        if !sawPoints { result.report(ErrorDetail(field: "points", message: "is required"), limit: limits.maxProblems) }
        return result
    }

    /// Parses one point object (a JSON Lines line); `index` labels its problems.
    public static func parsePoint(_ line: UnsafeRawBufferPointer, index: Int) throws(JSONSyntaxError) -> ParsedPoints {
        var scanner = JSONScanner(line.bindMemory(to: UInt8.self))
        var result = ParsedPoints(points: [], problems: [])
        try readPoint(&scanner, index: index, limits: .unbounded, into: &result)
        scanner.skipWhitespace()
        guard scanner.isAtEnd else { throw scanner.fail("unexpected data after the point object") }
        return result
    }

    /// The value of `"points"`: an array whose first `limits.maxPoints` elements are kept;
    /// the rest are only checked.
    private static func readPoints(_ scanner: inout JSONScanner, limits: ParseLimits, into result: inout ParsedPoints) throws(JSONSyntaxError) {
        guard scanner.peek() == 0x5B else {
            try scanner.skipValue()
            result.report(ErrorDetail(field: "points", message: "must be an array of point objects"), limit: limits.maxProblems)
            return
        }
        scanner.index += 1
        if scanner.consume(0x5D) { return }
        repeat {
            if result.points.count < limits.maxPoints {
                try readPoint(&scanner, index: result.points.count, limits: limits, into: &result)
            } else {
                result.pointsTruncated = true
                try scanner.skipValue()
            }
        } while scanner.consume(0x2C)
        try scanner.expect(0x5D, "',' or ']'")
    }

    private static func readPoint(_ scanner: inout JSONScanner, index: Int, limits: ParseLimits, into result: inout ParsedPoints) throws(JSONSyntaxError) {
        let cap = limits.maxProblems
        guard scanner.peek() == 0x7B else {
            try scanner.skipValue()
            result.report(ErrorDetail(index: index, field: "", message: "each point must be a JSON object"), limit: cap)
            result.points.append(MetricPoint(metricName: "", timestamp: Timestamp(microseconds: 0), value: 0))
            return
        }
        scanner.index += 1
        var name: String?
        var timestamp: Timestamp?
        var value: Double?
        var tags: [String: String] = [:]
        var metadata: String?
        // Fields already reported as wrong, so "is required" is not added on top.
        var wrongName = false, wrongTimestamp = false, wrongValue = false
        var keys = JSONKeySet()
        if !scanner.consume(0x7D) {
            repeat {
                let key = try scanner.readKey(into: &keys)
                try scanner.expect(0x3A, "':'")
                switch key {
                case "metric_name":
                    if scanner.peek() == 0x22 { name = try scanner.readString() } else {
                        try scanner.skipValue()
                        wrongName = true
                        result.report(ErrorDetail(index: index, field: "metric_name", message: "must be a string"), limit: cap)
                    }
                case "timestamp":
                    switch try readTimestamp(&scanner) {
                    case .success(let parsed): timestamp = parsed
                    case .failure(let problem):
                        wrongTimestamp = true
                        result.report(ErrorDetail(index: index, field: "timestamp", message: problem.message), limit: cap)
                    }
                case "value":
                    if let next = scanner.peek(), next == 0x2D || (next >= 0x30 && next <= 0x39) {
                        value = try scanner.readNumber()
                    } else {
                        try scanner.skipValue()
                        wrongValue = true
                        result.report(ErrorDetail(index: index, field: "value", message: "must be a finite number"), limit: cap)
                    }
                case "tags":
                    tags = try readTags(&scanner, index: index, limits: limits, into: &result)
                case "metadata":
                    metadata = try readMetadata(&scanner, index: index, limits: limits, into: &result)
                default:
                    try scanner.skipValue()
                }
            } while scanner.consume(0x2C)
            try scanner.expect(0x7D, "',' or '}'")
        }
        if name == nil, !wrongName {
            result.report(ErrorDetail(index: index, field: "metric_name", message: "is required"), limit: cap)
        }
        if timestamp == nil, !wrongTimestamp {
            result.report(ErrorDetail(index: index, field: "timestamp", message: "is required"), limit: cap)
        }
        if value == nil, !wrongValue {
            result.report(ErrorDetail(index: index, field: "value", message: "is required"), limit: cap)
        }
        result.points.append(MetricPoint(
            metricName: name ?? "", timestamp: timestamp ?? Timestamp(microseconds: 0),
            value: value ?? 0, tags: tags, metadataJSON: metadata))
    }

    /// Why a field's value was not accepted.
    private struct FieldProblem: Error {
        let message: String
    }

    private static func readTimestamp(_ scanner: inout JSONScanner) throws(JSONSyntaxError) -> Result<Timestamp, FieldProblem> {
        switch scanner.peek() {
        case 0x22:
            let start = scanner.index + 1
            _ = try scanner.readString()
            let raw = UnsafeBufferPointer(rebasing: scanner.bytes[start..<(scanner.index - 1)])
            if let parsed = RFC3339.parse(bytes: raw) { return .success(parsed) }
            return .failure(FieldProblem(message: "must be RFC 3339 (e.g. 2026-11-29T08:00:00Z) or epoch seconds"))
        case .some(let byte) where byte == 0x2D || (byte >= 0x30 && byte <= 0x39):
            let seconds = try scanner.readNumber()
            guard let timestamp = Timestamp(epochSeconds: seconds) else {
                return .failure(FieldProblem(message: "epoch seconds out of range"))
            }
            return .success(timestamp)
        default:
            try scanner.skipValue()
            return .failure(FieldProblem(message: "must be an RFC 3339 string or epoch seconds"))
        }
    }

    /// A tags object; keeps its first `limits.maxTagsPerPoint` tags and checks the rest.
    private static func readTags(_ scanner: inout JSONScanner, index: Int, limits: ParseLimits, into result: inout ParsedPoints) throws(JSONSyntaxError) -> [String: String] {
        if scanner.peek() == 0x6E { try scanner.readLiteral("null"); return [:] }
        guard scanner.peek() == 0x7B else {
            try scanner.skipValue()
            result.report(ErrorDetail(index: index, field: "tags", message: "must be an object of string values"), limit: limits.maxProblems)
            return [:]
        }
        scanner.index += 1
        var tags: [String: String] = [:]
        if scanner.consume(0x7D) { return tags }
        var keys = JSONKeySet()
        repeat {
            let key = try scanner.readKey(into: &keys)
            try scanner.expect(0x3A, "':'")
            if scanner.peek() == 0x22 {
                let text = try scanner.readString()
                if tags.count < limits.maxTagsPerPoint { tags[key] = text }
            } else {
                try scanner.skipValue()
                result.report(ErrorDetail(index: index, field: "tags.\(key.prefix(64))", message: "tag values must be strings"),
                              limit: limits.maxProblems)
            }
        } while scanner.consume(0x2C)
        try scanner.expect(0x7D, "',' or '}'")
        return tags
    }

    private static func readMetadata(_ scanner: inout JSONScanner, index: Int, limits: ParseLimits, into result: inout ParsedPoints) throws(JSONSyntaxError) -> String? {
        if scanner.peek() == 0x6E { try scanner.readLiteral("null"); return nil }
        guard scanner.peek() == 0x7B else {
            try scanner.skipValue()
            result.report(ErrorDetail(index: index, field: "metadata", message: "must be a JSON object"), limit: limits.maxProblems)
            return nil
        }
        let start = scanner.index
        try scanner.skipValue()
        return String(decoding: UnsafeBufferPointer(rebasing: scanner.bytes[start..<scanner.index]), as: UTF8.self)
    }
}
