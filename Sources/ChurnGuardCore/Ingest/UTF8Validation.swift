/// Well-formedness of UTF-8 (RFC 3629), checked byte by byte so an error can name its offset.
///
/// `String(decoding:as:)` silently replaces ill-formed bytes with U+FFFD, which changed what
/// a client sent into something else that was then stored; input is checked with this first.
public enum UTF8Validation {
    /// Length of the well-formed sequence starting at `position` (1 for ASCII), or `nil`
    /// when the bytes there are not UTF-8: a stray continuation byte, an overlong form, a
    /// surrogate, a scalar above U+10FFFF or a sequence cut short.
    public static func sequenceLength(_ bytes: UnsafeBufferPointer<UInt8>, at position: Int) -> Int? {
        let lead = bytes[position]
        if lead < 0x80 { return 1 }
        let count: Int
        var low: UInt8 = 0x80
        var high: UInt8 = 0xBF
        switch lead {
        case 0xC2...0xDF: count = 2
        case 0xE0: count = 3; low = 0xA0
        case 0xE1...0xEC, 0xEE...0xEF: count = 3
        case 0xED: count = 3; high = 0x9F
        case 0xF0: count = 4; low = 0x90
        case 0xF1...0xF3: count = 4
        case 0xF4: count = 4; high = 0x8F
        default: return nil
        }
        guard position + count <= bytes.count else { return nil }
        let second = bytes[position + 1]
        guard second >= low, second <= high else { return nil }
        for offset in 2..<count where bytes[position + offset] & 0xC0 != 0x80 { return nil }
        return count
    }

    /// Byte offset of the first ill-formed sequence in `bytes`, or `nil` when all is UTF-8.
    public static func firstInvalidOffset(_ bytes: UnsafeBufferPointer<UInt8>) -> Int? {
        var position = 0
        while position < bytes.count {
            if bytes[position] < 0x80 {
                position += 1
                continue
            }
            guard let length = sequenceLength(bytes, at: position) else { return position }
            position += length
        }
        return nil
    }
}
