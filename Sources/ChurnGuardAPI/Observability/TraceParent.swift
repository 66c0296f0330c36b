/// A W3C Trace Context `traceparent` header (`00-<32 hex trace id>-<16 hex parent id>-<2 hex flags>`),
/// accepted from a caller or a proxy and logged, so one request can be followed across services.
///
/// Only well-formed values are taken: wrong lengths, non-hex characters, the all-zero ids and
/// version `ff` are ignored (the W3C rules), so a header cannot inject text into the logs.
public struct TraceParent: Sendable, Equatable {
    /// The 32 lower-case hex digits of the trace.
    public let traceID: String
    /// The 16 lower-case hex digits of the caller's span.
    public let parentID: String
    /// The trace flags (bit 0: sampled).
    public let flags: String

    /// Parses `header`, or answers nil when it is not a valid `traceparent`.
    public init?(_ header: String) {
        let parts = header.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count >= 4, parts[0].count == 2, parts[1].count == 32, parts[2].count == 16, parts[3].count == 2,
              parts.allSatisfy({ Self.isLowerHex($0) }), parts[0] != "ff" else { return nil }
        // Version 00 has exactly four fields; later versions may append more.
        if parts[0] == "00", parts.count != 4 { return nil }
        guard parts[1].contains(where: { $0 != "0" }), parts[2].contains(where: { $0 != "0" }) else { return nil }
        traceID = String(parts[1])
        parentID = String(parts[2])
        flags = String(parts[3])
    }

    private static func isLowerHex(_ text: Substring) -> Bool {
        text.utf8.allSatisfy { (48...57).contains($0) || (97...102).contains($0) }
    }
}
