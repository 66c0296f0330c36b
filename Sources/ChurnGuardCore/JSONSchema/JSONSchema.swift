import Foundation

/// One place in a JSON document: object member names and array indices from the root.
public enum JSONPathComponent: Sendable, Hashable, CustomStringConvertible {
    case key(String)
    case index(Int)

    public var description: String {
        switch self {
        case .key(let name): name
        case .index(let index): "[\(index)]"
        }
    }
}

extension Array where Element == JSONPathComponent {
    /// `rules[0].conditions.all[1].statistic` form of a path (`(root)` when empty).
    public var dotted: String {
        guard !isEmpty else { return "(root)" }
        var text = ""
        for component in self {
            switch component {
            case .key(let name): text += text.isEmpty ? name : ".\(name)"
            case .index: text += component.description
            }
        }
        return text
    }
}

/// One way a document breaks its schema: where, and what is wrong.
public struct JSONSchemaViolation: Sendable, Hashable, CustomStringConvertible {
    /// Where in the document.
    public var path: [JSONPathComponent]
    /// What is wrong, in words.
    public var message: String

    /// Creates a violation.
    public init(path: [JSONPathComponent], message: String) {
        self.path = path
        self.message = message
    }

    public var description: String { "\(path.dotted): \(message)" }
}

/// A schema that uses something this validator does not implement, or is malformed itself.
public struct JSONSchemaError: Error, Sendable, Equatable, CustomStringConvertible {
    /// What is wrong with the schema.
    public var message: String

    /// Creates an error.
    public init(message: String) {
        self.message = message
    }

    public var description: String { "invalid JSON Schema: \(message)" }
}

/// A JSON Schema (the 2020-12 vocabulary subset listed in ``supportedKeywords``), checked
/// when loaded: a keyword outside the subset is refused rather than silently ignored, so a
/// schema never promises a check that does not run.
public struct JSONSchema: Sendable {
    /// Keywords that validate.
    public static let assertionKeywords: Set<String> = [
        "type", "enum", "const", "properties", "required", "additionalProperties", "minProperties", "maxProperties",
        "items", "minItems", "maxItems", "uniqueItems", "minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum",
        "minLength", "maxLength", "pattern", "$ref",
    ]
    /// Keywords that only annotate or structure the schema.
    public static let annotationKeywords: Set<String> = ["$schema", "$id", "$defs", "$comment", "title", "description", "default", "examples"]
    /// Every keyword understood.
    public static var supportedKeywords: Set<String> { assertionKeywords.union(annotationKeywords) }

    let root: JSONNode
    let patterns: [String: NSRegularExpressionBox]

    /// Loads and checks a schema.
    /// - Throws: ``JSONSchemaError`` for an unsupported keyword, a bad `$ref` or pattern.
    public init(_ root: JSONNode) throws {
        self.root = root
        var patterns: [String: NSRegularExpressionBox] = [:]
        try Self.check(root, at: "#", root: root, patterns: &patterns)
        self.patterns = patterns
    }

    /// Loads a schema from JSON text.
    public init(text: String) throws {
        let value: JSONNode
        do { value = try JSONNode.parse(Data(text.utf8)) } catch { throw JSONSchemaError(message: "not JSON (\(error))") }
        try self.init(value)
    }

    /// Every violation of `document`, in document order (empty when it is valid).
    public func validate(_ document: JSONNode) -> [JSONSchemaViolation] {
        var violations: [JSONSchemaViolation] = []
        validate(document, against: root, path: [], into: &violations)
        return violations
    }
}

/// A compiled regular expression, shareable across tasks (it is immutable once built).
final class NSRegularExpressionBox: @unchecked Sendable {
    let expression: NSRegularExpression
    init(_ expression: NSRegularExpression) { self.expression = expression }

    func matches(_ text: String) -> Bool {
        expression.firstMatch(in: text, range: NSRange(text.startIndex..., in: text)) != nil
    }
}
