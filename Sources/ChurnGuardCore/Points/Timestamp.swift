public import Foundation

/// An instant with microsecond precision, stored as microseconds since the Unix epoch (UTC).
///
/// Integers keep ordering, equality and storage exact; `Date` is offered for display only.
public struct Timestamp: Hashable, Comparable, Sendable, CustomStringConvertible {
    /// Microseconds since 1970-01-01T00:00:00Z.
    public var microseconds: Int64

    /// Wraps a count of microseconds since the epoch.
    public init(microseconds: Int64) { self.microseconds = microseconds }

    /// Whole seconds since the epoch, clamped to the representable range (about ±292,000
    /// years) instead of wrapping.
    public init(seconds: Int64) { self.microseconds = Self.saturatingMicroseconds(seconds) }

    /// Converts a `Date`, truncating below a microsecond.
    public init(_ date: Date) {
        self.microseconds = Int64((date.timeIntervalSince1970 * 1_000_000).rounded(.down))
    }

    /// Converts epoch seconds (fractions allowed) to microseconds; `nil` when the value is
    /// not finite or so far from the epoch (beyond ±10¹¹ s, about year 5000) that it could not
    /// be a real time, which also keeps the conversion from overflowing.
    public init?(epochSeconds seconds: Double) {
        guard seconds.isFinite, abs(seconds) < 1e11 else { return nil }
        self.microseconds = Int64((seconds * 1_000_000).rounded(.down))
    }

    /// Parses the two spellings clients may use outside JSON (query parameters, CSV cells):
    /// RFC 3339 text, or epoch seconds as a decimal number; `nil` for anything else.
    public init?(text: String) {
        if let parsed = RFC3339.parse(text) {
            self = parsed
        } else if let seconds = Double(text), let parsed = Timestamp(epochSeconds: seconds) {
            self = parsed
        } else {
            return nil
        }
    }

    /// The earliest instant accepted from clients: 1970-01-01T00:00:00Z.
    public static let earliestAccepted = Timestamp(microseconds: 0)
    /// The first instant no longer accepted from clients: 2100-01-01T00:00:00Z.
    public static let latestAcceptedExclusive = Timestamp(seconds: 4_102_444_800)

    /// Seconds since the epoch, with the fraction.
    public var secondsSinceEpoch: Double { Double(microseconds) / 1_000_000 }

    /// The same instant as a `Date`.
    public var date: Date { Date(timeIntervalSince1970: secondsSinceEpoch) }

    /// RFC 3339 text in UTC, e.g. `2026-11-29T08:00:00Z` (fraction only when non-zero).
    public var description: String { RFC3339.format(self) }

    /// The instant `seconds` later (earlier when negative), clamped to the representable
    /// range instead of wrapping: a cutoff computed from a huge period must land at the far
    /// past, never in the future (retention deletes everything before a cutoff).
    public func adding(seconds: Int64) -> Timestamp {
        let (sum, overflow) = microseconds.addingReportingOverflow(Self.saturatingMicroseconds(seconds))
        guard overflow else { return Timestamp(microseconds: sum) }
        return Timestamp(microseconds: seconds < 0 ? .min : .max)
    }

    /// `seconds` in microseconds, clamped to `Int64`'s range.
    private static func saturatingMicroseconds(_ seconds: Int64) -> Int64 {
        let (product, overflow) = seconds.multipliedReportingOverflow(by: 1_000_000)
        guard overflow else { return product }
        return seconds < 0 ? .min : .max
    }

    public static func < (lhs: Timestamp, rhs: Timestamp) -> Bool { lhs.microseconds < rhs.microseconds }
}
