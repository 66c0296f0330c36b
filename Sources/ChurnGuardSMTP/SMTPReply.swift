/// One reply of an SMTP server: a three-digit code and its text lines (a multi-line reply
/// has several, `250-…` continuation lines then a final `250 …`).
public struct SMTPReply: Sendable, Equatable {
    /// The reply code (220, 250, 334, 354, …).
    public var code: Int
    /// Each line's text after the code and separator.
    public var lines: [String]

    /// Creates a reply.
    public init(code: Int, lines: [String]) {
        self.code = code
        self.lines = lines
    }

    /// The text of every line, joined by a space (for error messages).
    public var text: String { lines.joined(separator: " ") }

    /// 2xx.
    public var isPositiveCompletion: Bool { (200..<300).contains(code) }
}

/// Assembles replies from lines: `NNN-text` continues, `NNN text` (or a bare `NNN`) ends.
/// Pure, so it is tested without a connection.
public struct SMTPReplyParser: Sendable {
    /// Longest line accepted (RFC 5321 allows 512 octets; servers send a little more).
    public static let maxLineLength = 4096
    /// Most lines in one reply.
    public static let maxLines = 200

    private var code: Int?
    private var lines: [String] = []

    /// An empty parser.
    public init() {}

    /// Feeds one line without its CRLF; returns the reply when this line ended it.
    /// - Throws: ``SMTPError/malformedReply(_:)`` for a line that is not a reply line.
    public mutating func feed(_ line: String) throws(SMTPError) -> SMTPReply? {
        let bytes = Array(line.utf8)
        guard bytes.count >= 3, bytes.count <= Self.maxLineLength, bytes[0..<3].allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }),
              let lineCode = Int(String(decoding: bytes[0..<3], as: UTF8.self)), (200...599).contains(lineCode) else {
            throw .malformedReply(String(line.prefix(200)))
        }
        let separator: UInt8? = bytes.count > 3 ? bytes[3] : nil
        guard separator == nil || separator == 0x20 || separator == 0x2D else { throw .malformedReply(String(line.prefix(200))) }
        if let code, code != lineCode { throw .malformedReply("reply code changed within a reply: \(line.prefix(200))") }
        code = lineCode
        lines.append(bytes.count > 4 ? String(decoding: bytes[4...], as: UTF8.self) : "")
        guard lines.count <= Self.maxLines else { throw .malformedReply("reply longer than \(Self.maxLines) lines") }
        guard separator != 0x2D else { return nil }
        let reply = SMTPReply(code: lineCode, lines: lines)
        code = nil
        lines = []
        return reply
    }
}
