/// Splits one CSV record into fields (RFC 4180 quoting: `"a,b"` and `""` for a quote).
/// Records spanning several lines are not supported; an unterminated quote is an error.
///
/// The record is read by Unicode scalar, not by `Character`: a comma or a quote followed by a
/// combining mark is one grapheme cluster, and reading by cluster would then miss the
/// delimiter (found by fuzzing: `"\u{0312}x"` did not read back).
public enum CSVLine {
    /// The fields of `line`, or `nil` when a quote is left open.
    public static func fields(_ line: Substring) -> [String]? {
        var fields: [String] = []
        var current = String.UnicodeScalarView()
        var inQuotes = false
        let scalars = line.unicodeScalars
        var index = scalars.startIndex
        while index < scalars.endIndex {
            let scalar = scalars[index]
            if inQuotes {
                if scalar == "\"" {
                    let next = scalars.index(after: index)
                    if next < scalars.endIndex, scalars[next] == "\"" {
                        current.append("\"")
                        index = next
                    } else {
                        inQuotes = false
                    }
                } else {
                    current.append(scalar)
                }
            } else if scalar == "," {
                fields.append(String(current))
                current = String.UnicodeScalarView()
            } else if scalar == "\"" && current.isEmpty {
                inQuotes = true
            } else if scalar != "\r" {
                current.append(scalar)
            }
            index = scalars.index(after: index)
        }
        guard !inQuotes else { return nil }
        fields.append(String(current))
        return fields
    }
}

/// Reads rows of a bulk CSV file: `timestamp,metric_name,value[,tag columns…]`, with the
/// header naming the columns (in any order); every other column becomes a tag, and empty
/// tag cells are left out.
public struct CSVPointReader: Sendable {
    let timestampColumn: Int
    let metricColumn: Int
    let valueColumn: Int
    let tagColumns: [(index: Int, name: String)]
    let columnCount: Int

    /// Reads the header line.
    /// - Throws: ``ServiceError`` when a required column is missing or a tag name is invalid.
    public init(header: Substring, validator: PointValidator = PointValidator()) throws(ServiceError) {
        guard let names = CSVLine.fields(header)?.map({ $0.trimmingCharacters(in: .whitespaces) }) else {
            throw ServiceError(.validation, code: "invalid_csv", message: "line 1: unterminated quote in the header")
        }
        func column(_ name: String) throws(ServiceError) -> Int {
            guard let index = names.firstIndex(of: name) else {
                throw ServiceError(.validation, code: "invalid_csv",
                                   message: "line 1: the header must name a '\(name)' column (timestamp,metric_name,value[,tags…])")
            }
            return index
        }
        timestampColumn = try column("timestamp")
        metricColumn = try column("metric_name")
        valueColumn = try column("value")
        var tags: [(Int, String)] = []
        for (index, name) in names.enumerated() where ![timestampColumn, metricColumn, valueColumn].contains(index) {
            if let problem = validator.tagKeyProblem(name) {
                throw ServiceError(.validation, code: "invalid_csv", message: "line 1: column '\(name)': \(problem)")
            }
            tags.append((index, name))
        }
        tagColumns = tags
        columnCount = names.count
    }

    /// Parses one data line; `lineNumber` (1-based) labels the error.
    public func point(from line: Substring, lineNumber: Int) throws(ServiceError) -> MetricPoint {
        func fail(_ message: String) -> ServiceError {
            ServiceError(.validation, code: "invalid_csv", message: "line \(lineNumber): \(message)")
        }
        guard let fields = CSVLine.fields(line) else { throw fail("unterminated quote") }
        guard fields.count == columnCount else { throw fail("expected \(columnCount) fields, found \(fields.count)") }
        let timeText = fields[timestampColumn].trimmingCharacters(in: .whitespaces)
        guard let timestamp = Timestamp(text: timeText) else { throw fail("timestamp '\(timeText)' is neither RFC 3339 nor epoch seconds") }
        let valueText = fields[valueColumn].trimmingCharacters(in: .whitespaces)
        guard let value = Double(valueText) else { throw fail("value '\(valueText)' is not a number") }
        var tags: [String: String] = [:]
        for (index, name) in tagColumns where !fields[index].isEmpty {
            tags[name] = fields[index]
        }
        return MetricPoint(metricName: fields[metricColumn].trimmingCharacters(in: .whitespaces),
                           timestamp: timestamp, value: value, tags: tags)
    }
}

import Foundation
