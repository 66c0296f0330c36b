import Foundation

extension JSONSchema {
    /// Checks one (sub)schema: known keywords only, `$ref`s that resolve, patterns that compile,
    /// and every nested schema in turn.
    static func check(_ schema: JSONNode, at location: String, root: JSONNode, patterns: inout [String: NSRegularExpressionBox]) throws {
        if case .bool = schema { return }
        guard case .object(let members) = schema else { throw JSONSchemaError(message: "\(location) is not a schema object") }
        for key in members.keys.sorted() where !supportedKeywords.contains(key) {
            throw JSONSchemaError(message: "\(location) uses the unsupported keyword \(key)")
        }
        if let reference = members["$ref"] {
            guard let text = reference.stringValue, resolve(text, in: root) != nil else {
                throw JSONSchemaError(message: "\(location)/$ref does not resolve: \(reference.shortText)")
            }
        }
        if let pattern = members["pattern"] {
            guard let text = pattern.stringValue, let expression = try? NSRegularExpression(pattern: text) else {
                throw JSONSchemaError(message: "\(location)/pattern is not a regular expression")
            }
            patterns[text] = NSRegularExpressionBox(expression)
        }
        if let type = members["type"] {
            let names: [JSONNode] = if case .array(let list) = type { list } else { [type] }
            let known: Set<String> = ["null", "boolean", "integer", "number", "string", "array", "object"]
            guard names.allSatisfy({ $0.stringValue.map(known.contains) ?? false }) else {
                throw JSONSchemaError(message: "\(location)/type names an unknown type")
            }
        }
        for keyword in ["properties", "$defs"] {
            if let nested = members[keyword] {
                guard case .object(let schemas) = nested else { throw JSONSchemaError(message: "\(location)/\(keyword) is not an object") }
                for (name, sub) in schemas.sorted(by: { $0.key < $1.key }) {
                    try check(sub, at: "\(location)/\(keyword)/\(name)", root: root, patterns: &patterns)
                }
            }
        }
        for keyword in ["items", "additionalProperties"] {
            if let sub = members[keyword] { try check(sub, at: "\(location)/\(keyword)", root: root, patterns: &patterns) }
        }
    }

    /// The schema a local reference (`#`, `#/$defs/name`) points at.
    static func resolve(_ reference: String, in root: JSONNode) -> JSONNode? {
        guard reference.hasPrefix("#") else { return nil }
        var node = root
        for part in reference.dropFirst().split(separator: "/", omittingEmptySubsequences: true) {
            let name = part.replacingOccurrences(of: "~1", with: "/").replacingOccurrences(of: "~0", with: "~")
            guard let next = node[name] else { return nil }
            node = next
        }
        return node
    }
}
