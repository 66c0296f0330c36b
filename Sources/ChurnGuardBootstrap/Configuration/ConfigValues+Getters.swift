/// Duration text shared by the declarations (``ConfigSetting``), and error construction.
extension ConfigValues {
    /// `seconds` in the largest unit that divides it, e.g. `36500d`.
    static func describe(seconds: Int) -> String {
        for (unit, factor) in [("d", 86_400), ("h", 3600), ("m", 60)] where seconds % factor == 0 && seconds >= factor {
            return "\(seconds / factor)\(unit)"
        }
        return "\(seconds)s"
    }

    /// Seconds of `90s`-style text (a bare integer is seconds); `nil` when malformed,
    /// negative or too large to represent.
    static func parseDuration(_ text: String) -> Int? {
        let units = ["s": 1, "m": 60, "h": 3600, "d": 86_400, "w": 604_800]
        guard let unit = text.last.map(String.init), let factor = units[unit], let amount = Int(text.dropLast()) else {
            return Int(text).flatMap { $0 >= 0 ? $0 : nil }
        }
        let (seconds, overflow) = amount.multipliedReportingOverflow(by: factor)
        guard !overflow, seconds >= 0 else { return nil }
        return seconds
    }
}

import Foundation
