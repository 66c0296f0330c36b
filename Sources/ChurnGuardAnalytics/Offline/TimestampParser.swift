/// Parses the timestamp formats `detect` accepts into epoch seconds, without Foundation:
///
/// - NAB style `YYYY-MM-DD HH:MM:SS` (optionally `.ffffff`), a local time with no zone, read as UTC;
/// - RFC 3339 `YYYY-MM-DDTHH:MM:SS[.fff](Z|±HH:MM)` (`T` or a space; the offset is applied);
/// - a bare date `YYYY-MM-DD` (midnight UTC);
/// - epoch seconds, integer or decimal (e.g. `1700000000` or `1700000000.5`).
public enum TimestampParser {
    /// Epoch seconds of `text` (surrounding spaces ignored), or `nil` when it matches no format
    /// or names an impossible date (month 13, 31 April, hour 25, …).
    public static func epochSeconds(_ text: Substring) -> Double? {
        let s = Array(text.utf8.drop { $0 == 32 }.reversed().drop { $0 == 32 }.reversed())
        guard !s.isEmpty else { return nil }
        if s.count >= 10, s[4] == UInt8(ascii: "-"), s[7] == UInt8(ascii: "-") { return dateTime(s) }
        guard let v = Double(String(decoding: s, as: UTF8.self)), v.isFinite else { return nil }
        return v
    }

    /// Same as `epochSeconds(_:)` for a `String`.
    public static func epochSeconds(_ text: String) -> Double? { epochSeconds(Substring(text)) }

    private static func digits(_ s: [UInt8], _ from: Int, _ count: Int) -> Int? {
        guard from >= 0, from + count <= s.count else { return nil }
        var v = 0
        for c in s[from..<(from + count)] {
            guard c >= 48, c <= 57 else { return nil }
            v = v * 10 + Int(c - 48)
        }
        return v
    }

    private static func dateTime(_ s: [UInt8]) -> Double? {
        guard let y = digits(s, 0, 4), let mo = digits(s, 5, 2), let d = digits(s, 8, 2),
              (1...12).contains(mo), d >= 1, d <= daysInMonth(y, mo) else { return nil }
        var seconds = Double(daysFromCivil(y, mo, d)) * 86_400
        if s.count == 10 { return seconds }
        let sep = s[10]
        guard sep == UInt8(ascii: "T") || sep == UInt8(ascii: "t") || sep == 32,
              s.count >= 19, s[13] == UInt8(ascii: ":"), s[16] == UInt8(ascii: ":"),
              let h = digits(s, 11, 2), let mi = digits(s, 14, 2), let se = digits(s, 17, 2),
              h < 24, mi < 60, se <= 60 else { return nil }
        seconds += Double(h * 3600 + mi * 60 + se)
        var i = 19
        if i < s.count, s[i] == UInt8(ascii: ".") {
            i += 1
            var scale = 0.1, fraction = 0.0, any = false
            while i < s.count, s[i] >= 48, s[i] <= 57 {
                fraction += Double(s[i] - 48) * scale; scale /= 10; i += 1; any = true
            }
            guard any else { return nil }
            seconds += fraction
        }
        if i == s.count { return seconds }
        if s[i] == UInt8(ascii: "Z") || s[i] == UInt8(ascii: "z") { return i + 1 == s.count ? seconds : nil }
        guard s[i] == UInt8(ascii: "+") || s[i] == UInt8(ascii: "-"), s.count == i + 6, s[i + 3] == UInt8(ascii: ":"),
              let oh = digits(s, i + 1, 2), let om = digits(s, i + 4, 2), oh < 24, om < 60 else { return nil }
        let offset = Double(oh * 3600 + om * 60)
        return s[i] == UInt8(ascii: "+") ? seconds - offset : seconds + offset
    }

    private static func isLeap(_ y: Int) -> Bool { (y % 4 == 0 && y % 100 != 0) || y % 400 == 0 }

    private static func daysInMonth(_ y: Int, _ m: Int) -> Int {
        switch m {
        case 2: isLeap(y) ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }

    /// Days since 1970-01-01 of a proleptic Gregorian date (the "days from civil" algorithm).
    static func daysFromCivil(_ year: Int, _ month: Int, _ day: Int) -> Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let mp = (month + 9) % 12
        let doy = (153 * mp + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }
}
