import ChurnGuardCore
import ChurnGuardStorage
import Crypto
import HTTPTypes
import NIOCore

/// The `Idempotency-Key` header of `POST /api/v1/analytics/metrics`: turned into a claim (the
/// key and the SHA-256 of the exact body bytes) that the store keeps with the points, so a
/// retry of the same request stores nothing twice.
enum IdempotencyKeyHeader {
    static let name = HTTPField.Name("Idempotency-Key")!
    /// Set on an answer replayed from an earlier request with the same key.
    static let replayed = HTTPField.Name("Idempotent-Replayed")!
    /// Longest key accepted.
    static let maxLength = 255

    /// The claim for this request, or `nil` without the header.
    /// - Throws: 422 `invalid_idempotency_key` for an empty, over-long or non-printable key.
    static func claim(in headers: HTTPFields, body: ByteBuffer) throws(ServiceError) -> IdempotencyClaim? {
        guard let key = headers[name] else { return nil }
        guard !key.isEmpty, key.utf8.count <= maxLength, key.utf8.allSatisfy({ $0 >= 0x21 && $0 <= 0x7E }) else {
            throw ServiceError(.validation, code: "invalid_idempotency_key",
                               message: "Idempotency-Key must be 1–\(maxLength) printable ASCII characters without spaces",
                               details: [ErrorDetail(field: "Idempotency-Key", message: "1–\(maxLength) printable ASCII characters")])
        }
        let hash = body.withUnsafeReadableBytes { Array(SHA256.hash(data: $0)) }
        return IdempotencyClaim(key: key, bodyHash: hash)
    }

    /// The answer to a commit that failed in flight: the outcome is unknown (the server may
    /// have committed before the failure reached us), so the message says what is known and
    /// how to retry safely.
    static func uncertain(_ error: StoreError, hasKey: Bool) -> any Error {
        switch error {
        case .unavailable, .timedOut:
            let advice = hasKey
                ? "it may or may not have been stored; retry with the same Idempotency-Key, which stores it at most once"
                : "it may or may not have been stored; send an Idempotency-Key so that a retry stores it at most once"
            return ServiceError(.unavailable(retryAfterSeconds: 5), code: "store_unavailable",
                                message: "the metric store failed while committing this batch; \(advice)")
        default:
            return error
        }
    }
}
