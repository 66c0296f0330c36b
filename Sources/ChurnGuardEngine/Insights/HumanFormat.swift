import Foundation

/// Numbers formatted for people in narratives: percentages, currency, counts, relative days.
/// Locale-independent (a period for decimals, commas for thousands) so texts are stable.
enum HumanFormat {
    /// 0.7234 → "72 %", 0.034 → "3.4 %"; the sign is dropped (the sentence says rise or fall).
    static func percent(_ fraction: Double) -> String {
        let value = abs(fraction) * 100
        guard value.isFinite else { return "∞ %" }
        return value >= 10 || value == value.rounded() ? "\(grouped(Int(value.rounded()))) %" : String(format: "%.1f %%", value)
    }

    /// 12500.4 → "$12,500"; below 100 with cents: "$42.50".
    static func currency(_ amount: Double) -> String {
        guard amount.isFinite else { return "$0" }
        let sign = amount < 0 ? "-" : ""
        let value = abs(amount)
        if value < 100, value != value.rounded() { return sign + String(format: "$%.2f", value) }
        return sign + "$" + grouped(Int(value.rounded()))
    }

    /// A measured value: at most three significant decimals, thousands grouped.
    static func number(_ value: Double) -> String {
        guard value.isFinite else { return value.isNaN ? "n/a" : (value > 0 ? "∞" : "-∞") }
        if abs(value) >= 100 { return (value < 0 ? "-" : "") + grouped(Int(abs(value).rounded())) }
        if abs(value) >= 10 { return String(format: "%.1f", value) }
        return String(format: "%.3g", value)
    }

    /// A p-value: "p < 0.001" or "p = 0.012".
    static func pValue(_ p: Double) -> String {
        p < 0.001 ? "p < 0.001" : String(format: "p = %.3f", p)
    }

    /// 1 → "1 day", 3 → "3 days".
    static func days(_ count: Int) -> String { count == 1 ? "1 day" : "\(count) days" }

    /// 1234567 → "1,234,567".
    static func grouped(_ value: Int) -> String {
        let digits = String(abs(value))
        var out = ""
        for (index, character) in digits.enumerated() {
            if index > 0, (digits.count - index) % 3 == 0 { out.append(",") }
            out.append(character)
        }
        return (value < 0 ? "-" : "") + out
    }
}
