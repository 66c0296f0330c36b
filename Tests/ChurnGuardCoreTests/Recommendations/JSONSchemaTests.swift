import ChurnGuardCore
import Foundation
import Testing

/// The JSON Schema validator, keyword by keyword: each one used by the rules schema accepts
/// what it should and refuses what it should, with the path and a message.
@Suite("JSON Schema validator")
struct JSONSchemaTests {
    static func schema(_ text: String) throws -> JSONSchema { try JSONSchema(text: text) }
    static func json(_ text: String) throws -> JSONNode { try JSONNode.parse(Data(text.utf8)) }

    static func violations(_ schemaText: String, _ documentText: String) throws -> [String] {
        try schema(schemaText).validate(json(documentText)).map(\.description)
    }

    @Test("type: each JSON type, integer within number, booleans apart from numbers")
    func types() throws {
        #expect(try Self.violations(#"{"type": "integer"}"#, "3").isEmpty)
        #expect(try Self.violations(#"{"type": "integer"}"#, "3.5") == ["(root): must be integer (found 3.5)"])
        #expect(try Self.violations(#"{"type": "number"}"#, "3").isEmpty)
        #expect(try Self.violations(#"{"type": "number"}"#, "true") == ["(root): must be number (found true)"])
        #expect(try Self.violations(#"{"type": "boolean"}"#, "1") == ["(root): must be boolean (found 1)"])
        #expect(try Self.violations(#"{"type": "string"}"#, "null") == ["(root): must be string (found null)"])
        #expect(try Self.violations(#"{"type": ["string", "null"]}"#, "null").isEmpty)
        #expect(try Self.violations(#"{"type": "array"}"#, "{}") == ["(root): must be array (found an object)"])
        #expect(try Self.violations(#"{"type": "object"}"#, "[]") == ["(root): must be object (found an array of 0)"])
    }

    @Test("enum and const")
    func enumAndConst() throws {
        #expect(try Self.violations(#"{"enum": ["a", "b"]}"#, #""b""#).isEmpty)
        #expect(try Self.violations(#"{"enum": ["a", "b"]}"#, #""c""#) == [#"(root): must be one of a, b (found "c")"#])
        #expect(try Self.violations(#"{"const": 1}"#, "1").isEmpty)
        #expect(try Self.violations(#"{"const": 1}"#, "2") == ["(root): must be 1 (found 2)"])
    }

    @Test("properties, required, additionalProperties (false and a schema), min/maxProperties")
    func objects() throws {
        let closed = #"{"type": "object", "required": ["a"], "additionalProperties": false, "properties": {"a": {"type": "string"}}}"#
        #expect(try Self.violations(closed, #"{"a": "x"}"#).isEmpty)
        #expect(try Self.violations(closed, "{}") == ["a: is required"])
        #expect(try Self.violations(closed, #"{"a": 1}"#) == ["a: must be string (found 1)"])
        #expect(try Self.violations(closed, #"{"a": "x", "b": 2}"#) == ["b: is not a known field (known: a)"])
        let map = #"{"type": "object", "additionalProperties": {"type": "string"}, "maxProperties": 2, "minProperties": 1}"#
        #expect(try Self.violations(map, #"{"k": "v"}"#).isEmpty)
        #expect(try Self.violations(map, #"{"k": 1}"#) == ["k: must be string (found 1)"])
        #expect(try Self.violations(map, "{}") == ["(root): must have at least 1 field"])
        #expect(try Self.violations(map, #"{"a": "1", "b": "2", "c": "3"}"#) == ["(root): must have at most 2 fields (found a, b, c)"])
    }

    @Test("items, minItems, maxItems, uniqueItems, with indices in the path")
    func arrays() throws {
        let list = #"{"type": "array", "items": {"type": "integer"}, "minItems": 1, "maxItems": 3, "uniqueItems": true}"#
        #expect(try Self.violations(list, "[1, 2]").isEmpty)
        #expect(try Self.violations(list, #"[1, "x"]"#) == [#"[1]: must be integer (found "x")"#])
        #expect(try Self.violations(list, "[]") == ["(root): must have at least 1 items"])
        #expect(try Self.violations(list, "[1, 2, 3, 4]") == ["(root): must have at most 3 items"])
        #expect(try Self.violations(list, "[1, 1]") == ["(root): must not repeat an item"])
    }

    @Test("minimum, maximum, exclusiveMinimum, exclusiveMaximum")
    func numbers() throws {
        let bounded = #"{"type": "number", "minimum": 0, "maximum": 1}"#
        #expect(try Self.violations(bounded, "0").isEmpty)
        #expect(try Self.violations(bounded, "1").isEmpty)
        #expect(try Self.violations(bounded, "-0.5") == ["(root): must be at least 0 (found -0.5)"])
        #expect(try Self.violations(bounded, "2") == ["(root): must be at most 1 (found 2)"])
        let open = #"{"exclusiveMinimum": 0, "exclusiveMaximum": 1}"#
        #expect(try Self.violations(open, "0.5").isEmpty)
        #expect(try Self.violations(open, "0") == ["(root): must be greater than 0 (found 0)"])
        #expect(try Self.violations(open, "1") == ["(root): must be less than 1 (found 1)"])
    }

    @Test("minLength, maxLength, pattern")
    func strings() throws {
        let text = #"{"type": "string", "minLength": 2, "maxLength": 3, "pattern": "^[a-z]+$"}"#
        #expect(try Self.violations(text, #""ab""#).isEmpty)
        #expect(try Self.violations(text, #""a""#) == ["(root): must have at least 2 characters"])
        #expect(try Self.violations(text, #""abcd""#) == ["(root): must have at most 3 characters"])
        #expect(try Self.violations(text, #""A1""#) == [#"(root): must match ^[a-z]+$ (found "A1")"#])
    }

    @Test("$ref to $defs, recursively, with the path of the nested value")
    func references() throws {
        let tree = #"""
        {"$defs": {"node": {"type": "object", "additionalProperties": false,
                            "properties": {"v": {"type": "integer"}, "kids": {"type": "array", "items": {"$ref": "#/$defs/node"}}}}},
         "$ref": "#/$defs/node"}
        """#
        #expect(try Self.violations(tree, #"{"v": 1, "kids": [{"v": 2, "kids": [{"v": "x"}]}]}"#) == [#"kids[0].kids[0].v: must be integer (found "x")"#])
    }

    @Test("boolean schemas: true accepts anything, false nothing")
    func booleanSchemas() throws {
        #expect(try Self.violations(#"{"properties": {"a": true, "b": false}}"#, #"{"a": 1}"#).isEmpty)
        #expect(try Self.violations(#"{"properties": {"a": true, "b": false}}"#, #"{"b": 1}"#) == ["b: is not allowed here"])
    }

    @Test("a schema using an unsupported keyword, a dangling $ref or a bad pattern is refused at load")
    func refusedSchemas() {
        #expect(throws: JSONSchemaError.self) { try Self.schema(#"{"oneOf": [{"type": "string"}]}"#) }
        #expect(throws: JSONSchemaError.self) { try Self.schema(#"{"properties": {"a": {"format": "email"}}}"#) }
        #expect(throws: JSONSchemaError.self) { try Self.schema(##"{"$ref": "#/$defs/missing"}"##) }
        #expect(throws: JSONSchemaError.self) { try Self.schema(#"{"pattern": "(["}"#) }
        #expect(throws: JSONSchemaError.self) { try Self.schema(#"{"type": "text"}"#) }
        #expect(throws: JSONSchemaError.self) { try Self.schema("not json") }
    }

    @Test("every keyword the rules schema uses is one the validator implements")
    func rulesSchemaKeywords() throws {
        func keywords(_ value: JSONNode, inSchemaMap: Bool = false) -> Set<String> {
            guard case .object(let members) = value else { return [] }
            var found: Set<String> = inSchemaMap ? [] : Set(members.keys)
            for (key, member) in members {
                if inSchemaMap || key == "items" || key == "additionalProperties" {
                    found.formUnion(keywords(member))
                } else if key == "properties" || key == "$defs" {
                    found.formUnion(keywords(member, inSchemaMap: true))
                }
            }
            return found
        }
        let used = keywords(try Self.json(BuiltInRecommendationRules.schema))
        #expect(used.isSubset(of: JSONSchema.supportedKeywords), "\(used.subtracting(JSONSchema.supportedKeywords))")
        #expect(used.contains("$ref") && used.contains("additionalProperties") && used.contains("pattern"))
    }
}
