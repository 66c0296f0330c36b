/// An email to send: envelope and the parts of its body.
public struct SMTPMessage: Sendable, Equatable {
    /// Sender address (`MAIL FROM` and the `From` header).
    public var from: String
    /// Recipient addresses (`RCPT TO` and the `To` header).
    public var to: [String]
    /// Subject line (non-ASCII is encoded as RFC 2047 UTF-8).
    public var subject: String
    /// The plain-text part.
    public var text: String
    /// The HTML part; without it the message is plain text only.
    public var html: String?
    /// `Date` header text (RFC 5322), e.g. `Tue, 01 Dec 2026 18:00:00 +0000`.
    public var date: String
    /// `Message-ID` header value without angle brackets.
    public var messageID: String
    /// More headers, in order (e.g. `X-ChurnGuard-Event`).
    public var headers: [(name: String, value: String)]

    /// Creates a message.
    public init(from: String, to: [String], subject: String, text: String, html: String? = nil, date: String, messageID: String,
                headers: [(name: String, value: String)] = []) {
        self.from = from
        self.to = to
        self.subject = subject
        self.text = text
        self.html = html
        self.date = date
        self.messageID = messageID
        self.headers = headers
    }

    public static func == (lhs: SMTPMessage, rhs: SMTPMessage) -> Bool {
        lhs.from == rhs.from && lhs.to == rhs.to && lhs.subject == rhs.subject && lhs.text == rhs.text && lhs.html == rhs.html
            && lhs.date == rhs.date && lhs.messageID == rhs.messageID
            && lhs.headers.map(\.name) == rhs.headers.map(\.name) && lhs.headers.map(\.value) == rhs.headers.map(\.value)
    }

    /// Refuses what would break the protocol or the headers: no recipient, line breaks or
    /// angle brackets in an address or header.
    public func validate() throws(SMTPError) {
        guard !to.isEmpty else { throw .invalidMessage("no recipient") }
        for address in [from] + to where !Self.isPlainAddress(address) {
            throw .invalidMessage("address \(address.debugDescription) is not a plain address (local@domain)")
        }
        for (name, value) in headers + [("Subject", subject), ("Message-ID", messageID), ("Date", date)]
        where name.isEmpty || name.unicodeScalars.contains(where: { $0 == ":" || $0.value <= 0x20 || $0.value >= 0x7F })
            || value.unicodeScalars.contains(where: { $0 == "\r" || $0 == "\n" }) {
            throw .invalidMessage("header \(name) contains a line break or an invalid name")
        }
    }

    static func isPlainAddress(_ address: String) -> Bool {
        let parts = address.split(separator: "@", omittingEmptySubsequences: false)
        return parts.count == 2 && !parts[0].isEmpty && !parts[1].isEmpty && address.utf8.count <= 254
            && address.unicodeScalars.allSatisfy { $0.value > 0x20 && $0.value < 0x7F && !"<>(),;:\\\"[]".unicodeScalars.contains($0) }
    }
}
