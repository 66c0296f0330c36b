/// A malformed JSON document: where and what.
public struct JSONSyntaxError: Error, Sendable, Equatable {
    /// Byte offset of the problem.
    public var offset: Int
    /// What was expected.
    public var message: String
}

/// A small pull scanner over UTF-8 JSON bytes.
///
/// The ingest path decodes straight from the request bytes into points with it, instead of
/// building an intermediate tree or going through `JSONDecoder`, which profiles as the
/// largest cost of ingestion. It validates everything it reads or skips, including what a
/// lenient reader would let through: ill-formed UTF-8 inside strings (an error naming the
/// byte offset, never a silent U+FFFD) and duplicate keys in any object.
struct JSONScanner {
    let bytes: UnsafeBufferPointer<UInt8>
    var index = 0
    static let maxDepth = 64

    init(_ bytes: UnsafeBufferPointer<UInt8>) { self.bytes = bytes }

    var isAtEnd: Bool { index >= bytes.count }

    func fail(_ message: String) -> JSONSyntaxError { JSONSyntaxError(offset: index, message: message) }

    mutating func skipWhitespace() {
        while index < bytes.count {
            switch bytes[index] {
            case 0x20, 0x0A, 0x0D, 0x09: index += 1
            default: return
            }
        }
    }

    /// The next significant byte, without consuming it.
    mutating func peek() -> UInt8? {
        skipWhitespace()
        return index < bytes.count ? bytes[index] : nil
    }

    mutating func expect(_ byte: UInt8, _ what: String) throws(JSONSyntaxError) {
        guard peek() == byte else { throw fail("expected \(what)") }
        index += 1
    }

    /// Consumes `byte` if it is next.
    mutating func consume(_ byte: UInt8) -> Bool {
        guard peek() == byte else { return false }
        index += 1
        return true
    }

    mutating func readString() throws(JSONSyntaxError) -> String {
        try expect(0x22, "a string")
        let start = index
        var plain = true
        while index < bytes.count {
            let byte = bytes[index]
            if byte == 0x22 {
                if plain {
                    let text = String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<index]), as: UTF8.self)
                    index += 1
                    return text
                }
                break
            }
            if byte == 0x5C { plain = false; index += 2; continue }
            if byte < 0x20 { throw fail("control character in string") }
            if byte >= 0x80 {
                index += try utf8SequenceLength()
                continue
            }
            index += 1
        }
        index = start
        return try readEscapedString()
    }

    private mutating func readEscapedString() throws(JSONSyntaxError) -> String {
        var out: [UInt8] = []
        while index < bytes.count {
            let byte = bytes[index]
            index += 1
            switch byte {
            case 0x22:
                return String(decoding: out, as: UTF8.self)
            case 0x5C:
                guard index < bytes.count else { throw fail("unterminated escape") }
                let escaped = bytes[index]
                index += 1
                switch escaped {
                case 0x22, 0x5C, 0x2F: out.append(escaped)
                case 0x62: out.append(0x08)
                case 0x66: out.append(0x0C)
                case 0x6E: out.append(0x0A)
                case 0x72: out.append(0x0D)
                case 0x74: out.append(0x09)
                case 0x75:
                    var scalar = try readHex4()
                    if (0xD800..<0xDC00).contains(scalar) {
                        guard index + 1 < bytes.count, bytes[index] == 0x5C, bytes[index + 1] == 0x75 else {
                            throw fail("unpaired surrogate")
                        }
                        index += 2
                        let low = try readHex4()
                        guard (0xDC00..<0xE000).contains(low) else { throw fail("unpaired surrogate") }
                        scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                    } else if (0xDC00..<0xE000).contains(scalar) {
                        throw fail("unpaired surrogate")
                    }
                    guard let unicode = Unicode.Scalar(scalar) else { throw fail("invalid unicode escape") }
                    out.append(contentsOf: Array(String(Character(unicode)).utf8))
                default:
                    throw fail("invalid escape")
                }
            default:
                if byte < 0x20 { throw fail("control character in string") }
                if byte >= 0x80 {
                    index -= 1
                    let length = try utf8SequenceLength()
                    out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[index..<(index + length)]))
                    index += length
                    continue
                }
                out.append(byte)
            }
        }
        throw fail("unterminated string")
    }

    /// Length of the well-formed UTF-8 sequence at `index`; throws naming its offset otherwise.
    private func utf8SequenceLength() throws(JSONSyntaxError) -> Int {
        guard let length = UTF8Validation.sequenceLength(bytes, at: index) else { throw fail("invalid UTF-8 in string") }
        return length
    }

    /// Reads an object key, refusing one already in `keys` (the error names the key's offset).
    mutating func readKey(into keys: inout JSONKeySet) throws(JSONSyntaxError) -> String {
        skipWhitespace()
        let start = index
        let key = try readString()
        guard keys.insert(key) else {
            throw JSONSyntaxError(offset: start, message: "duplicate key \"\(key.prefix(64))\"")
        }
        return key
    }

    private mutating func readHex4() throws(JSONSyntaxError) -> UInt32 {
        guard index + 4 <= bytes.count else { throw fail("short unicode escape") }
        var value: UInt32 = 0
        for _ in 0..<4 {
            let byte = bytes[index]
            let digit: UInt32
            switch byte {
            case 48...57: digit = UInt32(byte - 48)
            case 65...70: digit = UInt32(byte - 55)
            case 97...102: digit = UInt32(byte - 87)
            default: throw fail("invalid unicode escape")
            }
            value = value << 4 | digit
            index += 1
        }
        return value
    }

    /// Reads a JSON number. Short decimal numbers take an exact fast path (a mantissa
    /// below 2^53 scaled by a power of ten up to 10^22 rounds correctly); others go
    /// through the standard library's correctly rounded parser.
    mutating func readNumber() throws(JSONSyntaxError) -> Double {
        skipWhitespace()
        let start = index
        var negative = false
        if index < bytes.count, bytes[index] == 45 { negative = true; index += 1 }
        var mantissa: UInt64 = 0
        var digitCount = 0
        var fractionDigits = 0
        let integerStart = index
        while index < bytes.count, bytes[index] >= 48, bytes[index] <= 57 {
            mantissa = mantissa &* 10 &+ UInt64(bytes[index] - 48)
            digitCount += 1
            index += 1
        }
        guard index > integerStart else { throw fail("expected a number") }
        if index - integerStart > 1, bytes[integerStart] == 48 { throw fail("leading zero in number") }
        var simple = true
        if index < bytes.count, bytes[index] == 46 {
            index += 1
            let fractionStart = index
            while index < bytes.count, bytes[index] >= 48, bytes[index] <= 57 {
                mantissa = mantissa &* 10 &+ UInt64(bytes[index] - 48)
                digitCount += 1
                fractionDigits += 1
                index += 1
            }
            guard index > fractionStart else { throw fail("expected digits after '.'") }
        }
        if index < bytes.count, bytes[index] == 101 || bytes[index] == 69 {
            simple = false
            index += 1
            if index < bytes.count, bytes[index] == 43 || bytes[index] == 45 { index += 1 }
            let exponentStart = index
            while index < bytes.count, bytes[index] >= 48, bytes[index] <= 57 { index += 1 }
            guard index > exponentStart else { throw fail("expected exponent digits") }
        }
        if simple, digitCount <= 15, fractionDigits <= 22 {
            let magnitude = Double(mantissa) / Self.powersOfTen[fractionDigits]
            return negative ? -magnitude : magnitude
        }
        let text = String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<index]), as: UTF8.self)
        guard let value = Double(text) else { throw fail("invalid number") }
        return value
    }

    static let powersOfTen: [Double] = (0...22).map { exponent in
        var value = 1.0
        for _ in 0..<exponent { value *= 10 }
        return value
    }

    /// Skips (and validates) one value of any kind.
    mutating func skipValue(depth: Int = 0) throws(JSONSyntaxError) {
        guard depth < Self.maxDepth else { throw fail("nesting too deep") }
        switch peek() {
        case 0x22: _ = try readString()
        case 0x7B:
            index += 1
            if consume(0x7D) { return }
            var keys = JSONKeySet()
            repeat {
                _ = try readKey(into: &keys)
                try expect(0x3A, "':'")
                try skipValue(depth: depth + 1)
            } while consume(0x2C)
            try expect(0x7D, "'}'")
        case 0x5B:
            index += 1
            if consume(0x5D) { return }
            repeat { try skipValue(depth: depth + 1) } while consume(0x2C)
            try expect(0x5D, "']'")
        case 0x74: try readLiteral("true")
        case 0x66: try readLiteral("false")
        case 0x6E: try readLiteral("null")
        case .some: _ = try readNumber()
        case .none: throw fail("unexpected end of input")
        }
    }

    mutating func readLiteral(_ literal: StaticString) throws(JSONSyntaxError) {
        skipWhitespace()
        let count = literal.utf8CodeUnitCount
        guard index + count <= bytes.count else { throw fail("invalid literal") }
        let expected = UnsafeBufferPointer(start: literal.utf8Start, count: count)
        for offset in 0..<count where bytes[index + offset] != expected[offset] {
            throw fail("invalid literal")
        }
        index += count
    }
}
