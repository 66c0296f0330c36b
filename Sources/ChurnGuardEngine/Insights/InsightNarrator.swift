public import ChurnGuardCore
import Foundation
import Mustache

/// A template that could not be used, naming the file and line (and the variable, when the
/// template names one its kind does not have).
public struct InsightTemplateError: Error, CustomStringConvertible, Equatable {
    /// The template's file (or `kind.mustache` for a text given directly).
    public let file: String
    /// 1-based line of the problem (0 when it concerns the whole file, e.g. a missing one).
    public let line: Int
    /// What is wrong.
    public let message: String

    public var description: String { line > 0 ? "\(file):\(line): \(message)" : "\(file): \(message)" }

    /// Creates the error.
    public init(file: String, line: Int, message: String) {
        self.file = file
        self.line = line
        self.message = message
    }
}

/// Renders findings into sentences with one Mustache template per kind (`<kind>.mustache`,
/// e.g. `segment_contribution.mustache`), parsed and checked once when made: a syntax error
/// or an unknown variable fails with the file and line. Templates render plain text (no HTML
/// escaping); a boolean variable (`broad`) opens a section.
public struct InsightNarrator: Sendable {
    private let templates: [InsightKind: MustacheTemplate]

    /// Parses and checks one template per kind from `texts` (kind → template text); `files`
    /// names each text's file for errors.
    public init(texts: [InsightKind: String], files: [InsightKind: String] = [:]) throws {
        var parsed: [InsightKind: MustacheTemplate] = [:]
        for kind in InsightKind.allCases {
            let file = files[kind] ?? "\(kind.rawValue).mustache"
            guard let text = texts[kind] else {
                throw InsightTemplateError(file: file, line: 0, message: "missing: every insight kind needs its template")
            }
            try Self.checkVariables(text, allowed: InsightTemplateVariables.allowed(for: kind), file: file)
            do {
                // The pragma shares the first line, so line numbers stay those of the file.
                parsed[kind] = try MustacheTemplate(string: "{{% CONTENT_TYPE: TEXT }}" + text)
            } catch let error as MustacheTemplate.ParserError {
                throw InsightTemplateError(file: file, line: error.context.lineNumber, message: "template syntax: \(error.error)")
            }
        }
        templates = parsed
    }

    /// Loads `<kind>.mustache` for every kind from `directory`.
    /// - Throws: ``InsightTemplateError`` for a missing, unreadable or invalid template.
    public static func load(directory: String) throws -> InsightNarrator {
        var texts: [InsightKind: String] = [:], files: [InsightKind: String] = [:]
        for kind in InsightKind.allCases {
            let path = (directory as NSString).appendingPathComponent("\(kind.rawValue).mustache")
            files[kind] = path
            guard let data = FileManager.default.contents(atPath: path) else {
                let missing = !FileManager.default.fileExists(atPath: path)
                throw InsightTemplateError(file: path, line: 0, message: missing
                    ? "missing (insights.narrative_templates is \(directory)); a kind added by an upgrade needs its template: copy it from this release's templates/insights/"
                    : "cannot be read (insights.narrative_templates is \(directory))")
            }
            texts[kind] = String(decoding: data, as: UTF8.self)
        }
        return try InsightNarrator(texts: texts, files: files)
    }

    /// The sentence for `finding`: its kind's template with the finding's variables, spaces
    /// and line breaks collapsed.
    public func narrate(_ finding: InsightFinding) -> String {
        guard let template = templates[finding.kind] else { return finding.title }
        var context: [String: Any] = ["title": finding.title,
                                      "confidence_percent": "\(Int((finding.confidence * 100).rounded())) %"]
        for (key, value) in finding.variables { context[key] = value == "true" ? true as Any : (value.isEmpty ? false as Any : value as Any) }
        let text = template.render(context)
        return text.split(whereSeparator: \.isWhitespace).joined(separator: " ")
    }

    /// Refuses a tag naming a variable outside `allowed`, with its line.
    static func checkVariables(_ text: String, allowed: Set<String>, file: String) throws {
        for (index, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            var rest = line[...]
            while let open = rest.range(of: "{{") {
                guard let close = rest.range(of: "}}", range: open.upperBound..<rest.endIndex) else { break }
                var name = rest[open.upperBound..<close.lowerBound].trimmingCharacters(in: .whitespaces)
                rest = rest[close.upperBound...]
                if name.hasPrefix("!") || name.hasPrefix("%") || name.hasPrefix("=") { continue }
                if let first = name.first, "{&#^/".contains(first) { name.removeFirst() }
                if name.hasSuffix("}") { name.removeLast() }
                name = name.trimmingCharacters(in: .whitespaces)
                if rest.first == "}" { rest = rest.dropFirst() }
                guard !name.isEmpty, name != "." else { continue }
                if !allowed.contains(name) {
                    throw InsightTemplateError(file: file, line: index + 1,
                                               message: "unknown variable '\(name)'; this kind has \(allowed.sorted().joined(separator: ", "))")
                }
            }
        }
    }
}
