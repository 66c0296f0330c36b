/// Why a CSV could not be read. Each case names the 1-based line of the file where it applies.
public enum DetectInputError: Error, Equatable, CustomStringConvertible {
    /// The text has no header line.
    case empty
    /// The header lacks a required column.
    case missingColumn(String, header: String)
    /// A row's timestamp matches no accepted format.
    case badTimestamp(line: Int, text: String)
    /// A row's value is not a number.
    case badValue(line: Int, text: String)
    /// A row has too few fields to hold both columns.
    case missingField(line: Int)

    /// One line for a person.
    public var description: String {
        switch self {
        case .empty: "the file is empty: expected a header line with timestamp,value columns"
        case let .missingColumn(name, header): "missing column '\(name)' in header '\(Self.clip(header))'"
        case let .badTimestamp(line, text): "line \(line): cannot parse timestamp '\(Self.clip(text))' (expected YYYY-MM-DD HH:MM:SS, RFC 3339 or epoch seconds)"
        case let .badValue(line, text): "line \(line): cannot parse value '\(Self.clip(text))' as a number"
        case let .missingField(line): "line \(line): too few fields for the timestamp and value columns"
        }
    }

    private static func clip(_ s: String) -> String { s.count > 60 ? String(s.prefix(57)) + "..." : s }
}

/// A parsed `timestamp,value` CSV: the series plus the original text of each row's fields, so the
/// output can echo them exactly, one output row per input row, in input order.
public struct DetectInput: Sendable, Equatable {
    /// The series (epoch seconds, values; a missing value is NaN).
    public let series: TimeSeries
    /// The timestamp field of each row as written.
    public let timestampTexts: [String]
    /// The value field of each row as written.
    public let valueTexts: [String]

    /// Parses CSV text. The header must name `timestamp` and `value` columns (any order, case and
    /// surrounding spaces ignored; other columns are ignored). Blank lines are skipped; CRLF and a
    /// UTF-8 BOM are accepted; fields may be double-quoted. A value that is empty, `NaN`, `null` or
    /// `NA` is kept as a missing value (NaN); any other non-number is an error naming the line.
    public init(csv: String) throws(DetectInputError) {
        // "\r\n" is one Character in Swift, so it is a separator of its own.
        var lines = csv.split(omittingEmptySubsequences: false) { $0 == "\n" || $0 == "\r\n" || $0 == "\r" }
            .enumerated().map { ($0.offset + 1, $0.element) }
        lines = lines.filter { !$0.1.allSatisfy { $0 == " " || $0 == "\t" } }
        guard let headerLine = lines.first else { throw .empty }
        var header = CSVFields.split(headerLine.1)
        if let first = header.first, first.hasPrefix("\u{FEFF}") { header[0] = String(first.dropFirst()) }
        let names = header.map { $0.trimmingSpaces.lowercased() }
        guard let ti = names.firstIndex(of: "timestamp") else {
            throw .missingColumn("timestamp", header: String(headerLine.1))
        }
        guard let vi = names.firstIndex(of: "value") else { throw .missingColumn("value", header: String(headerLine.1)) }
        var times: [Double] = [], values: [Double] = [], tTexts: [String] = [], vTexts: [String] = []
        for (number, line) in lines.dropFirst() {
            let fields = CSVFields.split(line)
            guard ti < fields.count, vi < fields.count else { throw .missingField(line: number) }
            let tText = fields[ti], vText = fields[vi]
            guard let t = TimestampParser.epochSeconds(Substring(tText)) else { throw .badTimestamp(line: number, text: tText) }
            let trimmed = vText.trimmingSpaces
            let v: Double
            if let parsed = Double(trimmed) { v = parsed } else if ["", "nan", "null", "na"].contains(trimmed.lowercased()) {
                v = .nan
            } else { throw .badValue(line: number, text: vText) }
            times.append(t); values.append(v); tTexts.append(tText); vTexts.append(vText)
        }
        series = TimeSeries(timestamps: times, values: values)
        timestampTexts = tTexts
        valueTexts = vTexts
    }
}
