import ChurnGuardSMTP
import Testing

@Suite("SMTP replies and message encoding")
struct SMTPReplyParserTests {
    @Test("a multi-line EHLO reply is one reply with every line")
    func multiLine() throws {
        var parser = SMTPReplyParser()
        #expect(try parser.feed("250-mail.example.com greets you") == nil)
        #expect(try parser.feed("250-STARTTLS") == nil)
        #expect(try parser.feed("250-AUTH PLAIN LOGIN") == nil)
        let reply = try parser.feed("250 SIZE 1000")
        #expect(reply == SMTPReply(code: 250, lines: ["mail.example.com greets you", "STARTTLS", "AUTH PLAIN LOGIN", "SIZE 1000"]))
        #expect(try parser.feed("354") == SMTPReply(code: 354, lines: [""]))
    }

    @Test("malformed lines and a code that changes within a reply are refused", arguments: ["hello", "25", "999 nope", "250*x", "abc def"])
    func malformed(_ line: String) {
        var parser = SMTPReplyParser()
        #expect(throws: SMTPError.self) { try parser.feed(line) }
    }

    @Test("a continuation with another code is refused")
    func codeChange() throws {
        var parser = SMTPReplyParser()
        _ = try parser.feed("250-first")
        #expect(throws: SMTPError.self) { try parser.feed("251 second") }
    }

    @Test("dot-stuffing doubles a leading period and ends the data")
    func dotStuffing() {
        #expect(DotStuffing.stuff("a\r\n.b\r\n..c\r\n") == "a\r\n..b\r\n...c\r\n.\r\n")
        #expect(DotStuffing.stuff(".\r\n") == "..\r\n.\r\n")
        #expect(DotStuffing.stuff("no newline") == "no newline\r\n.\r\n")
    }

    @Test("base64 matches RFC 4648's vectors")
    func base64() {
        let vectors = ["": "", "f": "Zg==", "fo": "Zm8=", "foo": "Zm9v", "foob": "Zm9vYg==", "fooba": "Zm9vYmE=", "foobar": "Zm9vYmFy"]
        for (plain, encoded) in vectors { #expect(Base64.encode(Array(plain.utf8)) == encoded) }
        #expect(Base64.encode([0] + Array("user".utf8) + [0] + Array("pass".utf8)) == "AHVzZXIAcGFzcw==")
    }

    @Test("quoted-printable escapes =, non-ASCII and trailing spaces and keeps lines under 77 characters")
    func quotedPrintable() {
        #expect(QuotedPrintable.encode("a=b") == "a=3Db")
        #expect(QuotedPrintable.encode("café") == "caf=C3=A9")
        #expect(QuotedPrintable.encode("end \nnext") == "end=20\r\nnext")
        let long = String(repeating: "x", count: 200)
        let lines = QuotedPrintable.encode(long).components(separatedBy: "\r\n")
        #expect(lines.allSatisfy { $0.count <= 76 })
        #expect(lines.map { $0.hasSuffix("=") ? String($0.dropLast()) : $0 }.joined() == long)
    }

    @Test("addresses and headers that would break the protocol are refused before connecting")
    func validation() {
        func message(from: String = "a@example.com", to: [String] = ["b@example.com"], subject: String = "s") -> SMTPMessage {
            SMTPMessage(from: from, to: to, subject: subject, text: "t", date: "Tue, 01 Dec 2026 18:00:00 +0000", messageID: "1@example.com")
        }
        #expect(throws: SMTPError.self) { try message(to: []).validate() }
        #expect(throws: SMTPError.self) { try message(to: ["b@example.com>\r\nRCPT TO:<c@example.com"]).validate() }
        #expect(throws: SMTPError.self) { try message(from: "no-at-sign").validate() }
        #expect(throws: SMTPError.self) { try message(subject: "a\r\nBcc: x@example.com").validate() }
        #expect(throws: Never.self) { try message().validate() }
    }
}
