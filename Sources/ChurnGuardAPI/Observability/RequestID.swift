import Hummingbird
import Synchronization

/// The request id that ties a request's log lines together and is returned in `X-Request-ID`.
///
/// A caller's (or proxy's) id is kept when it is 1 to 128 characters of letters, digits and
/// `-_.:`; anything else is replaced by a fresh one, so a header cannot forge log structure.
public enum RequestID {
    /// Most characters of an accepted id.
    public static let maxLength = 128

    /// `header` when acceptable, else a new random id.
    public static func take(_ header: String?) -> String {
        if let header, isAcceptable(header) { return header }
        return generate()
    }

    /// Whether `text` may be used as a request id as it is.
    public static func isAcceptable(_ text: String) -> Bool {
        !text.isEmpty && text.utf8.count <= maxLength && text.utf8.allSatisfy { byte in
            (48...57).contains(byte) || (65...90).contains(byte) || (97...122).contains(byte)
                || byte == UInt8(ascii: "-") || byte == UInt8(ascii: "_") || byte == UInt8(ascii: ".") || byte == UInt8(ascii: ":")
        }
    }

    /// 32 hex digits: a random per-process prefix and a counter, unique within the process and,
    /// with overwhelming likelihood, across processes. Request ids are for joining log lines,
    /// not secrets, so they need not be unpredictable; this avoids two `getrandom` system
    /// calls per request.
    public static func generate() -> String {
        hex(processPrefix) + hex(counter.wrappingAdd(1, ordering: .relaxed).newValue)
    }

    private static let processPrefix: UInt64 = {
        var generator = SystemRandomNumberGenerator()
        return generator.next()
    }()

    private static let counter = Atomic<UInt64>(0)

    private static func hex(_ value: UInt64) -> String {
        let digits = String(value, radix: 16)
        return String(repeating: "0", count: 16 - digits.count) + digits
    }
}

extension RequestContext {
    /// This request's id, as ``ObservabilityMiddleware`` put it in the logger's metadata;
    /// `nil` outside that middleware.
    var requestID: String? {
        if case .string(let id)? = logger[metadataKey: "hb.request.id"] { return id }
        return nil
    }
}
