extension SMTPMessage {
    /// The message as sent after `DATA` (before dot-stuffing): headers, then a
    /// `multipart/alternative` body of the text and HTML parts (plain text alone when there
    /// is no HTML), each quoted-printable UTF-8, every line ending in CRLF.
    public func rendered(boundary: String) -> String {
        var lines: [String] = [
            "From: <\(from)>",
            "To: " + to.map { "<\($0)>" }.joined(separator: ", "),
            "Subject: " + Self.encodedHeader(subject),
            "Date: \(date)",
            "Message-ID: <\(messageID)>",
            "MIME-Version: 1.0",
        ]
        for header in headers { lines.append("\(header.name): \(Self.encodedHeader(header.value))") }
        if let html {
            lines.append("Content-Type: multipart/alternative; boundary=\"\(boundary)\"")
            lines.append("")
            lines.append("--\(boundary)")
            lines += Self.part(text, type: "text/plain")
            lines.append("--\(boundary)")
            lines += Self.part(html, type: "text/html")
            lines.append("--\(boundary)--")
        } else {
            lines += Self.part(text, type: "text/plain")
        }
        return lines.joined(separator: "\r\n") + "\r\n"
    }

    static func part(_ body: String, type: String) -> [String] {
        ["Content-Type: \(type); charset=utf-8", "Content-Transfer-Encoding: quoted-printable", "",
         QuotedPrintable.encode(body)]
    }

    /// ASCII text as is; anything else as an RFC 2047 encoded word (UTF-8, base64).
    static func encodedHeader(_ value: String) -> String {
        guard value.unicodeScalars.contains(where: { $0.value >= 0x7F || $0.value < 0x20 }) else { return value }
        return "=?UTF-8?B?" + Base64.encode(Array(value.utf8)) + "?="
    }
}

/// RFC 2045 quoted-printable encoding of UTF-8 text, lines ending in CRLF, at most 76
/// characters per encoded line (soft breaks `=`).
public enum QuotedPrintable {
    /// Encodes `text`; its line breaks (LF or CRLF) become CRLF.
    public static func encode(_ text: String) -> String {
        let normalized = text.replacing("\r\n", with: "\n")
        return normalized.split(separator: "\n", omittingEmptySubsequences: false).map { encodeLine(Array($0.utf8)) }
            .joined(separator: "\r\n")
    }

    static func encodeLine(_ bytes: [UInt8]) -> String {
        var output: [String] = []
        var current = ""
        for (index, byte) in bytes.enumerated() {
            let last = index == bytes.count - 1
            let literal = (byte >= 33 && byte <= 126 && byte != 61) || (byte == 32 && !last) || (byte == 9 && !last)
            let piece = literal ? String(UnicodeScalar(byte)) : "=" + hex(byte)
            if current.utf8.count + piece.utf8.count > 75 {
                output.append(current + "=")
                current = ""
            }
            current += piece
        }
        output.append(current)
        return output.joined(separator: "\r\n")
    }

    static func hex(_ byte: UInt8) -> String {
        let digits = Array("0123456789ABCDEF")
        return String(digits[Int(byte >> 4)]) + String(digits[Int(byte & 0x0F)])
    }
}

/// Standard base64 (for AUTH and encoded headers), without a Foundation dependency.
public enum Base64 {
    static let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)

    /// `bytes` in base64 with padding.
    public static func encode(_ bytes: [UInt8]) -> String {
        var output: [UInt8] = []
        output.reserveCapacity((bytes.count + 2) / 3 * 4)
        var index = 0
        while index < bytes.count {
            let b0 = bytes[index], b1 = index + 1 < bytes.count ? bytes[index + 1] : 0, b2 = index + 2 < bytes.count ? bytes[index + 2] : 0
            output.append(alphabet[Int(b0 >> 2)])
            output.append(alphabet[Int((b0 & 0x03) << 4 | b1 >> 4)])
            output.append(index + 1 < bytes.count ? alphabet[Int((b1 & 0x0F) << 2 | b2 >> 6)] : UInt8(ascii: "="))
            output.append(index + 2 < bytes.count ? alphabet[Int(b2 & 0x3F)] : UInt8(ascii: "="))
            index += 3
        }
        return String(decoding: output, as: UTF8.self)
    }
}

/// The transparency rule of RFC 5321 §4.5.2: a line of the message that starts with a
/// period gets one more, and the data ends with `CRLF.CRLF`.
public enum DotStuffing {
    /// `message` (CRLF lines) ready to follow `DATA`, terminator included.
    public static func stuff(_ message: String) -> String {
        var lines = message.replacing("\r\n", with: "\n").split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        if lines.last == "" { lines.removeLast() }
        return lines.map { $0.hasPrefix(".") ? "." + $0 : $0 }.joined(separator: "\r\n") + "\r\n.\r\n"
    }
}
