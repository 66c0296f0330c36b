/// Typed getters; each throws a ``ConfigError`` naming the source, key and problem.
extension ConfigValues {
    /// A string, or `fallback` when unset.
    public func string(_ key: String, default fallback: String) -> String { scalar(key) ?? fallback }

    /// An optional string; empty text counts as unset.
    public func optionalString(_ key: String) -> String? {
        guard let text = scalar(key)?.trimmingCharacters(in: .whitespaces), !text.isEmpty else { return nil }
        return text
    }

    /// One of `allowed`.
    public func choice(_ key: String, default fallback: String, allowed: [String]) throws(ConfigError) -> String {
        let value = (scalar(key) ?? fallback).lowercased()
        guard allowed.contains(value) else {
            throw fail(key, "must be one of \(allowed.joined(separator: ", ")) (got '\(value)')")
        }
        return value
    }

    /// An integer within `range`.
    public func int(_ key: String, default fallback: Int, range: ClosedRange<Int>) throws(ConfigError) -> Int {
        guard let text = scalar(key) else { return fallback }
        guard let value = Int(text.trimmingCharacters(in: .whitespaces)), range.contains(value) else {
            throw fail(key, "must be an integer from \(range.lowerBound) to \(range.upperBound) (got '\(text)')")
        }
        return value
    }

    /// A number within `range`.
    public func double(_ key: String, default fallback: Double, range: ClosedRange<Double>) throws(ConfigError) -> Double {
        guard let text = scalar(key) else { return fallback }
        guard let value = Double(text.trimmingCharacters(in: .whitespaces)), value.isFinite, range.contains(value) else {
            throw fail(key, "must be a number from \(range.lowerBound) to \(range.upperBound) (got '\(text)')")
        }
        return value
    }

    /// `true/false/yes/no/1/0/on/off`.
    public func bool(_ key: String, default fallback: Bool) throws(ConfigError) -> Bool {
        guard let text = scalar(key) else { return fallback }
        switch text.trimmingCharacters(in: .whitespaces).lowercased() {
        case "true", "yes", "1", "on": return true
        case "false", "no", "0", "off": return false
        default: throw fail(key, "must be true or false (got '\(text)')")
        }
    }

    /// A list: a YAML sequence, or comma-separated text from a variable.
    public func list(_ key: String, default fallback: [String]) -> [String] {
        guard let entry = entries[key] else { return fallback }
        switch entry.raw {
        case .list(let items): return items
        case .scalar(let text):
            return text.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        }
    }

    /// A duration such as `90s`, `15m`, `12h`, `7d`, `2w`, in seconds, within `range`
    /// (every duration is bounded, so no later arithmetic on it can overflow).
    public func duration(_ key: String, default fallback: Int, range: ClosedRange<Int>) throws(ConfigError) -> Int {
        guard let text = scalar(key)?.trimmingCharacters(in: .whitespaces).lowercased() else { return fallback }
        guard let seconds = Self.parseDuration(text) else {
            throw fail(key, "must be a duration like 90s, 15m, 12h, 7d or 2w (got '\(text)')")
        }
        guard range.contains(seconds) else {
            throw fail(key, "must be from \(Self.describe(seconds: range.lowerBound)) to \(Self.describe(seconds: range.upperBound)) (got '\(text)')")
        }
        return seconds
    }

    /// `seconds` in the largest unit that divides it, e.g. `36500d`.
    static func describe(seconds: Int) -> String {
        for (unit, factor) in [("w", 604_800), ("d", 86_400), ("h", 3600), ("m", 60)] where seconds % factor == 0 && seconds >= factor {
            return "\(seconds / factor)\(unit)"
        }
        return "\(seconds)s"
    }

    /// A rate like `1000/hour` as (requests, window seconds).
    public func rate(_ key: String, default fallback: String) throws(ConfigError) -> (count: Int, windowSeconds: Int) {
        let text = (scalar(key) ?? fallback).trimmingCharacters(in: .whitespaces).lowercased()
        let parts = text.split(separator: "/")
        let windows = ["second": 1, "minute": 60, "hour": 3600, "day": 86_400]
        guard parts.count == 2, let count = Int(parts[0]), count > 0, let window = windows[String(parts[1])] else {
            throw fail(key, "must look like 1000/hour (per second, minute, hour or day) (got '\(text)')")
        }
        return (count, window)
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
