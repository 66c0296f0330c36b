public import Foundation

/// A parsed JSON value that keeps booleans apart from numbers, so a schema can check types
/// exactly (Foundation's `JSONSerialization` turns both into `NSNumber`).
public enum JSONNode: Sendable, Hashable, Decodable {
    case null
    case bool(Bool)
    case number(Double)
    case string(String)
    case array([JSONNode])
    case object([String: JSONNode])

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() { self = .null; return }
        if let flag = try? container.decode(Bool.self) { self = .bool(flag); return }
        if let number = try? container.decode(Double.self) { self = .number(number); return }
        if let text = try? container.decode(String.self) { self = .string(text); return }
        if let items = try? container.decode([JSONNode].self) { self = .array(items); return }
        self = .object(try container.decode([String: JSONNode].self))
    }

    /// Parses JSON text.
    /// - Throws: `DecodingError` for text that is not JSON.
    public static func parse(_ data: Data) throws -> JSONNode {
        try JSONDecoder().decode(JSONNode.self, from: data)
    }

    /// The JSON Schema type name of the value (`integer` for integral numbers).
    public var typeName: String {
        switch self {
        case .null: "null"
        case .bool: "boolean"
        case .number(let value): value.rounded() == value && abs(value) < 9.0e15 ? "integer" : "number"
        case .string: "string"
        case .array: "array"
        case .object: "object"
        }
    }

    /// The member `key` of an object, `nil` otherwise.
    public subscript(key: String) -> JSONNode? {
        if case .object(let members) = self { return members[key] }
        return nil
    }

    /// The text of a string value.
    public var stringValue: String? {
        if case .string(let text) = self { return text }
        return nil
    }

    /// The value as short JSON-like text, for error messages.
    public var shortText: String {
        switch self {
        case .null: "null"
        case .bool(let flag): "\(flag)"
        case .number(let value): value.rounded() == value && abs(value) < 1e15 ? "\(Int64(value))" : "\(value)"
        case .string(let text): "\"\(text.count > 40 ? String(text.prefix(40)) + "…" : text)\""
        case .array(let items): "an array of \(items.count)"
        case .object: "an object"
        }
    }
}
