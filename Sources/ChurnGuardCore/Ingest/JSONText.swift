/// Small JSON helpers for the flat objects the stores keep as text (tags).
public enum JSONText {
    /// A JSON object with keys in sorted order, so equal tag sets have equal text.
    public static func encodeObject(_ object: [String: String]) -> String {
        if object.isEmpty { return "{}" }
        var out = "{"
        var first = true
        for key in object.keys.sorted() {
            if !first { out += "," }
            first = false
            appendString(key, to: &out)
            out += ":"
            appendString(object[key] ?? "", to: &out)
        }
        return out + "}"
    }

    /// Decodes a JSON object whose values are all strings; `nil` for anything else.
    public static func decodeStringObject(_ text: String) -> [String: String]? {
        var text = text
        return text.withUTF8 { buffer -> [String: String]? in
            var scanner = JSONScanner(buffer)
            var result: [String: String] = [:]
            do {
                try scanner.expect(0x7B, "'{'")
                if scanner.consume(0x7D) { return result }
                repeat {
                    let key = try scanner.readString()
                    try scanner.expect(0x3A, "':'")
                    result[key] = try scanner.readString()
                } while scanner.consume(0x2C)
                try scanner.expect(0x7D, "'}'")
            } catch {
                return nil
            }
            return result
        }
    }

    /// Appends `text` as a quoted JSON string.
    public static func appendString(_ text: String, to out: inout String) {
        out += "\""
        var needsEscaping = false
        for byte in text.utf8 where byte < 0x20 || byte == 0x22 || byte == 0x5C {
            needsEscaping = true
            break
        }
        if !needsEscaping {
            out += text
        } else {
            for scalar in text.unicodeScalars {
                switch scalar {
                case "\"": out += "\\\""
                case "\\": out += "\\\\"
                case "\n": out += "\\n"
                case "\r": out += "\\r"
                case "\t": out += "\\t"
                default:
                    if scalar.value < 0x20 {
                        let hex = String(scalar.value, radix: 16)
                        out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
                    } else {
                        out.unicodeScalars.append(scalar)
                    }
                }
            }
        }
        out += "\""
    }
}
