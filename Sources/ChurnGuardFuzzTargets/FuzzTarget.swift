public import ChurnGuardAnalytics
public import ChurnGuardCore
public import ChurnGuardStorage
import Foundation

/// The parsers that read untrusted input, each as a target for coverage-guided fuzzing
/// (`scripts/fuzz-parsers`) and for the replay of the committed corpus in the tests.
///
/// A target does more than survive the input: it checks properties every answer must have
/// (limits kept, problems pointing at points that exist, cursors and CSV fields that read back
/// as they were written) and traps through ``FuzzTarget/Violation`` when one fails, which
/// libFuzzer reports as a crash with the input that caused it.
public enum FuzzTarget: String, CaseIterable, Sendable {
    /// The JSON ingest body (`{"points": [...]}`), with the API's parse limits.
    case jsonBatch = "json-batch"
    /// JSON Lines bulk input: each line one point.
    case jsonLines = "json-lines"
    /// CSV bulk input: a header, then rows.
    case csvPoints = "csv-points"
    /// The `detect` command's `timestamp,value` CSV, detection included for small inputs.
    case detectInput = "detect-input"
    /// Page cursors of point and anomaly listings.
    case cursors = "cursors"

    /// A property an answer broke.
    public struct Violation: Error, CustomStringConvertible {
        /// What was expected.
        public let description: String
    }

    /// Feeds `bytes` to the target's parser and checks its answer.
    /// - Throws: ``Violation`` when an answer breaks a property (parse errors are answers, not violations).
    public func run(_ bytes: UnsafeRawBufferPointer) throws(Violation) {
        switch self {
        case .jsonBatch: try Self.jsonBatch(bytes)
        case .jsonLines: try Self.jsonLines(bytes)
        case .csvPoints: try Self.csvPoints(String(decoding: bytes, as: UTF8.self))
        case .detectInput: Self.detectInput(String(decoding: bytes, as: UTF8.self))
        case .cursors: try Self.cursors(String(decoding: bytes, as: UTF8.self))
        }
    }

    /// Runs `bytes` through `run`; a violation is written to standard error and aborts the
    /// process (what a fuzzer needs to keep the input as a finding).
    public func runOrTrap(_ bytes: UnsafeRawBufferPointer) {
        do { try run(bytes) } catch {
            FileHandle.standardError.write(Data("fuzz violation in \(rawValue): \(error)\n".utf8))
            abort()
        }
    }

    static func check(_ condition: Bool, _ message: @autoclosure () -> String) throws(Violation) {
        if !condition { throw Violation(description: message()) }
    }

    static func jsonBatch(_ bytes: UnsafeRawBufferPointer) throws(Violation) {
        let limits = ParseLimits(validation: ValidationLimits())
        guard let parsed = try? PointPayloadParser.parseBatch(bytes, limits: limits) else { return }
        try check(parsed.points.count <= limits.maxPoints, "kept \(parsed.points.count) points past the limit \(limits.maxPoints)")
        try check(parsed.problems.count <= limits.maxProblems, "kept \(parsed.problems.count) problems past the limit")
        try check(parsed.points.allSatisfy { $0.tags.count <= limits.maxTagsPerPoint }, "kept more tags than the limit")
        _ = PointValidator().problems(with: parsed.points, known: parsed.problems)
    }

    static func jsonLines(_ bytes: UnsafeRawBufferPointer) throws(Violation) {
        var start = 0, index = 0
        for position in 0...bytes.count where position == bytes.count || bytes[position] == 0x0A {
            let line = UnsafeRawBufferPointer(rebasing: bytes[start..<position])
            if let parsed = try? PointPayloadParser.parsePoint(line, index: index) {
                try check(parsed.points.count <= 1, "one line gave \(parsed.points.count) points")
                _ = PointValidator().problems(with: parsed.points, known: parsed.problems)
            }
            start = position + 1
            index += 1
        }
    }

    static func csvPoints(_ text: String) throws(Violation) {
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        for line in lines {
            guard let fields = CSVLine.fields(line) else { continue }
            // Written back with every field quoted, the record must read as the same fields.
            let written = fields.map(quoted).joined(separator: ",")
            try check(CSVLine.fields(Substring(written)) == fields, "CSV fields \(fields) did not read back from \(written)")
        }
        guard let header = lines.first, let reader = try? CSVPointReader(header: header) else { return }
        for (number, line) in lines.dropFirst().enumerated() {
            _ = try? reader.point(from: line, lineNumber: number + 2)
        }
    }

    /// `field` in quotes with its quotes doubled, by Unicode scalar (a quote followed by a
    /// combining mark is one `Character`, which a `Character`-level replacement would miss).
    static func quoted(_ field: String) -> String {
        var scalars = String.UnicodeScalarView()
        scalars.append("\"")
        for scalar in field.unicodeScalars {
            if scalar == "\"" { scalars.append("\"") }
            scalars.append(scalar)
        }
        scalars.append("\"")
        return String(scalars)
    }

    static func detectInput(_ text: String) {
        guard let input = try? DetectInput(csv: text), input.valueTexts.count <= 300 else { return }
        _ = try? OfflineDetect.run(csv: text)
    }

    static func cursors(_ text: String) throws(Violation) {
        if let token = PointCursor(token: text), let position = try? SequenceCursor(token) {
            let again = try? SequenceCursor(position.cursor)
            try check(again == position, "point cursor \(text) did not read back from \(position.cursor.token)")
        }
        if let position = try? AnomalyCursor(token: text) {
            try check((try? AnomalyCursor(token: position.token)) == position, "anomaly cursor \(text) did not read back")
        }
    }
}
