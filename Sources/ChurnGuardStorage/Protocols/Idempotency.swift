public import ChurnGuardCore

/// A client's idempotency key for one ingest request, stored with the request's points in the
/// same transaction: a retry of the same request (same key, same body) is answered with the
/// first result and stores nothing again.
public struct IdempotencyClaim: Sendable, Hashable {
    /// The client's key (`Idempotency-Key`), unique per organization.
    public var key: String
    /// SHA-256 of the request body: the same key with another body is refused.
    public var bodyHash: [UInt8]

    /// Creates a claim.
    public init(key: String, bodyHash: [UInt8]) {
        self.key = key
        self.bodyHash = bodyHash
    }
}

/// What became of one batch of an ``MetricStore/append(_:)`` call.
public enum AppendOutcome: Sendable, Equatable {
    /// Its points were stored (with its idempotency key, if any).
    case stored
    /// Its idempotency key was already used for the same body: nothing was stored now; the
    /// first request stored `accepted` points.
    case replayed(accepted: Int)
    /// Its idempotency key was already used for a different body: nothing was stored.
    case keyReused
}
