import Crypto

/// The signature of a webhook body: `v1=` and the lower-case hex HMAC-SHA256, keyed by the
/// route's secret, of `<timestamp>.<body>` (the timestamp in Unix seconds, as sent in
/// `X-ChurnGuard-Timestamp`). Receivers recompute it, compare in constant time and refuse
/// timestamps older than ``replayWindowSeconds``.
public enum WebhookSignature {
    /// Header carrying the signature.
    public static let signatureHeader = "X-ChurnGuard-Signature"
    /// Header carrying the signed timestamp (Unix seconds).
    public static let timestampHeader = "X-ChurnGuard-Timestamp"
    /// Header carrying the idempotency key (the same on every retry of a message).
    public static let idempotencyHeader = "Idempotency-Key"
    /// Header carrying the event type (`alert.firing`, `alert.resolved`, `test`, `digest`).
    public static let eventHeader = "X-ChurnGuard-Event"
    /// How old a signed timestamp receivers should still accept (five minutes).
    public static let replayWindowSeconds: Int64 = 300

    /// `v1=<hex>` for `body` sent at `timestamp`.
    public static func sign(body: [UInt8], timestamp: Int64, secret: String) -> String {
        let key = SymmetricKey(data: Array(secret.utf8))
        let mac = HMAC<SHA256>.authenticationCode(for: Array("\(timestamp).".utf8) + body, using: key)
        return "v1=" + hex(Array(mac))
    }

    /// Whether `signature` is valid for `body` and `timestamp` and the timestamp lies within
    /// the replay window of `now` (what a receiver checks; used by the tests' receiver).
    public static func verify(body: [UInt8], timestamp: Int64, signature: String, secret: String, now: Int64,
                              window: Int64 = replayWindowSeconds) -> Bool {
        guard abs(now - timestamp) <= window else { return false }
        let expected = Array(sign(body: body, timestamp: timestamp, secret: secret).utf8)
        let given = Array(signature.utf8)
        guard expected.count == given.count else { return false }
        var difference: UInt8 = 0
        for index in expected.indices { difference |= expected[index] ^ given[index] }
        return difference == 0
    }

    static func hex(_ bytes: [UInt8]) -> String {
        let digits = Array("0123456789abcdef")
        var text = ""
        text.reserveCapacity(bytes.count * 2)
        for byte in bytes {
            text.append(digits[Int(byte >> 4)])
            text.append(digits[Int(byte & 0x0F)])
        }
        return text
    }
}
