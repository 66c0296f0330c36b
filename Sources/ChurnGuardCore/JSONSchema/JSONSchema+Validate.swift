import Foundation

extension JSONSchema {
    /// Appends to `violations` every way `value` (at `path`) breaks `schema`.
    func validate(_ value: JSONNode, against schema: JSONNode, path: [JSONPathComponent], into violations: inout [JSONSchemaViolation]) {
        switch schema {
        case .bool(true): return
        case .bool(false):
            violations.append(JSONSchemaViolation(path: path, message: "is not allowed here"))
            return
        case .object: break
        default: return
        }
        if let reference = schema["$ref"]?.stringValue, let target = Self.resolve(reference, in: root) {
            validate(value, against: target, path: path, into: &violations)
        }
        if let type = schema["type"], !Self.matchesType(value, type) {
            let names: [String] = if case .array(let list) = type { list.compactMap(\.stringValue) } else { [type.stringValue ?? ""] }
            violations.append(JSONSchemaViolation(path: path, message: "must be \(names.joined(separator: " or ")) (found \(value.shortText))"))
            return
        }
        if case .array(let allowed) = schema["enum"], !allowed.contains(value) {
            let list = allowed.map { $0.stringValue ?? $0.shortText }.joined(separator: ", ")
            violations.append(JSONSchemaViolation(path: path, message: "must be one of \(list) (found \(value.shortText))"))
        }
        if let constant = schema["const"], constant != value {
            violations.append(JSONSchemaViolation(path: path, message: "must be \(constant.shortText) (found \(value.shortText))"))
        }
        switch value {
        case .number(let number): validateNumber(number, schema: schema, path: path, into: &violations)
        case .string(let text): validateString(text, schema: schema, path: path, into: &violations)
        case .array(let items): validateArray(items, schema: schema, path: path, into: &violations)
        case .object(let members): validateObject(members, schema: schema, path: path, into: &violations)
        case .null, .bool: break
        }
    }

    static func matchesType(_ value: JSONNode, _ type: JSONNode) -> Bool {
        let names: [String] = if case .array(let list) = type { list.compactMap(\.stringValue) } else { [type.stringValue ?? ""] }
        let actual = value.typeName
        return names.contains(actual) || (actual == "integer" && names.contains("number"))
    }

    private func number(_ schema: JSONNode, _ key: String) -> Double? {
        if case .number(let value)? = schema[key] { return value }
        return nil
    }

    private func validateNumber(_ value: Double, schema: JSONNode, path: [JSONPathComponent], into violations: inout [JSONSchemaViolation]) {
        func text(_ bound: Double) -> String { JSONNode.number(bound).shortText }
        if let bound = number(schema, "minimum"), value < bound {
            violations.append(JSONSchemaViolation(path: path, message: "must be at least \(text(bound)) (found \(text(value)))"))
        }
        if let bound = number(schema, "maximum"), value > bound {
            violations.append(JSONSchemaViolation(path: path, message: "must be at most \(text(bound)) (found \(text(value)))"))
        }
        if let bound = number(schema, "exclusiveMinimum"), value <= bound {
            violations.append(JSONSchemaViolation(path: path, message: "must be greater than \(text(bound)) (found \(text(value)))"))
        }
        if let bound = number(schema, "exclusiveMaximum"), value >= bound {
            violations.append(JSONSchemaViolation(path: path, message: "must be less than \(text(bound)) (found \(text(value)))"))
        }
    }

    private func validateString(_ value: String, schema: JSONNode, path: [JSONPathComponent], into violations: inout [JSONSchemaViolation]) {
        if let bound = number(schema, "minLength"), Double(value.count) < bound {
            violations.append(JSONSchemaViolation(path: path, message: "must have at least \(Int(bound)) characters"))
        }
        if let bound = number(schema, "maxLength"), Double(value.count) > bound {
            violations.append(JSONSchemaViolation(path: path, message: "must have at most \(Int(bound)) characters"))
        }
        if let pattern = schema["pattern"]?.stringValue, let expression = patterns[pattern], !expression.matches(value) {
            violations.append(JSONSchemaViolation(path: path, message: "must match \(pattern) (found \(JSONNode.string(value).shortText))"))
        }
    }

    private func validateArray(_ items: [JSONNode], schema: JSONNode, path: [JSONPathComponent], into violations: inout [JSONSchemaViolation]) {
        if let bound = number(schema, "minItems"), Double(items.count) < bound {
            violations.append(JSONSchemaViolation(path: path, message: "must have at least \(Int(bound)) items"))
        }
        if let bound = number(schema, "maxItems"), Double(items.count) > bound {
            violations.append(JSONSchemaViolation(path: path, message: "must have at most \(Int(bound)) items"))
        }
        if case .bool(true)? = schema["uniqueItems"], Set(items).count != items.count {
            violations.append(JSONSchemaViolation(path: path, message: "must not repeat an item"))
        }
        if let itemSchema = schema["items"] {
            for (index, item) in items.enumerated() {
                validate(item, against: itemSchema, path: path + [.index(index)], into: &violations)
            }
        }
    }

    private func validateObject(_ members: [String: JSONNode], schema: JSONNode, path: [JSONPathComponent],
                                into violations: inout [JSONSchemaViolation]) {
        if case .array(let required)? = schema["required"] {
            for name in required.compactMap(\.stringValue) where members[name] == nil {
                violations.append(JSONSchemaViolation(path: path + [.key(name)], message: "is required"))
            }
        }
        if let bound = number(schema, "minProperties"), Double(members.count) < bound {
            violations.append(JSONSchemaViolation(path: path, message: "must have at least \(Int(bound)) field\(bound == 1 ? "" : "s")"))
        }
        if let bound = number(schema, "maxProperties"), Double(members.count) > bound {
            let names = members.keys.sorted().joined(separator: ", ")
            violations.append(JSONSchemaViolation(path: path, message: "must have at most \(Int(bound)) field\(bound == 1 ? "" : "s") (found \(names))"))
        }
        let properties: [String: JSONNode] = if case .object(let map)? = schema["properties"] { map } else { [:] }
        for (name, member) in members.sorted(by: { $0.key < $1.key }) {
            if let propertySchema = properties[name] {
                validate(member, against: propertySchema, path: path + [.key(name)], into: &violations)
            } else if let additional = schema["additionalProperties"] {
                if case .bool(false) = additional {
                    let known = properties.keys.sorted().joined(separator: ", ")
                    violations.append(JSONSchemaViolation(path: path + [.key(name)], message: "is not a known field (known: \(known))"))
                } else {
                    validate(member, against: additional, path: path + [.key(name)], into: &violations)
                }
            }
        }
    }
}
