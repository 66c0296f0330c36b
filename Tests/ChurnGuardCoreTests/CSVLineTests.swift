import ChurnGuardCore
import Testing

/// CSV records split by Unicode scalar, so a delimiter followed by a combining mark is still a
/// delimiter (a fuzzing finding).
@Suite("CSV records")
struct CSVLineTests {
    @Test("quoting, doubled quotes, carriage returns and an open quote")
    func basics() {
        #expect(CSVLine.fields("a,\"b,c\",\"d \"\"e\"\"\"\r") == ["a", "b,c", "d \"e\""])
        #expect(CSVLine.fields("") == [""])
        #expect(CSVLine.fields("\"open") == nil)
    }

    @Test("a comma or a quote followed by a combining mark still delimits")
    func combiningMarks() {
        #expect(CSVLine.fields("a,\u{0301}b") == ["a", "\u{0301}b"])
        #expect(CSVLine.fields("\"\u{0312}x\",y") == ["\u{0312}x", "y"])
        #expect(CSVLine.fields("caf\u{0065}\u{0301},2") == ["caf\u{0065}\u{0301}", "2"])
    }
}
