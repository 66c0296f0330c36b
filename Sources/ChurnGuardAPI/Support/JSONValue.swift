import ChurnGuardCore
import Foundation

/// A JSON value decoded without a schema, so a handler can name each wrong field itself
/// (a boolean is never taken for a number, nor a number for a boolean).
enum JSONValue: Decodable, Equatable {
    case null
    case bool(Bool)
    case number(Double)
    case string(String)
    case array([JSONValue])
    case object([String: JSONValue])

    init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() { self = .null }
        else if let value = try? container.decode(Bool.self) { self = .bool(value) }
        else if let value = try? container.decode(Double.self) { self = .number(value) }
        else if let value = try? container.decode(String.self) { self = .string(value) }
        else if let value = try? container.decode([JSONValue].self) { self = .array(value) }
        else { self = .object(try container.decode([String: JSONValue].self)) }
    }

    /// The text of a string value.
    var string: String? { if case .string(let text) = self { text } else { nil } }
    /// A finite number value.
    var number: Double? { if case .number(let value) = self, value.isFinite { value } else { nil } }

    /// Parses a request body; 400 `malformed_json` when it is not JSON.
    static func parse(_ data: Data) throws -> JSONValue {
        do {
            return try JSONDecoder().decode(JSONValue.self, from: data)
        } catch {
            throw ServiceError(.malformed, code: "malformed_json", message: "the body is not valid JSON")
        }
    }
}
