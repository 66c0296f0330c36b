import ChurnGuardCore
import Foundation
import Testing

@Suite("RFC 3339 timestamps")
struct RFC3339Tests {
    @Test("parses the accepted spellings", arguments: [
        ("2026-11-29T08:00:00Z", Int64(1_795_939_200_000_000)),
        ("2026-11-29 08:00:00Z", 1_795_939_200_000_000),
        ("2026-11-29t08:00:00z", 1_795_939_200_000_000),
        ("2026-11-29T09:30:00+01:30", 1_795_939_200_000_000),
        ("2026-11-29T03:00:00-05:00", 1_795_939_200_000_000),
        ("2026-11-29T08:00:00.5Z", 1_795_939_200_500_000),
        ("2026-11-29T08:00:00.1234567Z", 1_795_939_200_123_456),
        ("1970-01-01T00:00:00Z", 0),
        ("2024-02-29T00:00:00Z", 1_709_164_800_000_000),
    ])
    func parses(_ text: String, _ micros: Int64) {
        #expect(RFC3339.parse(text)?.microseconds == micros)
    }

    @Test("rejects malformed or impossible times", arguments: [
        "", "2026-11-29", "2026-11-29T08:00:00", "2026-13-01T00:00:00Z", "2025-02-29T00:00:00Z",
        "2026-11-31T00:00:00Z", "2026-11-29T24:00:00Z", "2026-11-29T08:60:00Z", "2026-11-29T08:00:00+25:00",
        "2026-11-29T08:00:00.Z", "2026-11-29T08:00:00Zjunk", "２０２６-11-29T08:00:00Z", "2026/11/29T08:00:00Z",
    ])
    func rejects(_ text: String) {
        #expect(RFC3339.parse(text) == nil)
    }

    @Test("formatting round-trips and agrees with Foundation")
    func roundTrip() throws {
        var generator = SystemRandomNumberGenerator()
        let formatter = ISO8601DateFormatter()
        for _ in 0..<2000 {
            let seconds = Int64.random(in: 0..<4_102_444_800, using: &generator)
            let timestamp = Timestamp(seconds: seconds)
            let text = RFC3339.format(timestamp)
            #expect(RFC3339.parse(text) == timestamp)
            #expect(formatter.string(from: timestamp.date) == text)
        }
        let fractional = Timestamp(microseconds: 1_795_939_200_120_000)
        #expect(fractional.description == "2026-11-29T08:00:00.12Z")
        #expect(RFC3339.parse(fractional.description) == fractional)
    }
}
