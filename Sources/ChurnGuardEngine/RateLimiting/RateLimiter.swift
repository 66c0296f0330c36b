public import ChurnGuardCore

/// Decides whether a caller may make one more request now. The in-process implementation
/// (``GCRARateLimiter``) limits each replica on its own; a shared one (Redis) can sit behind
/// the same protocol so that replicas share one allowance.
public protocol RateLimiter: Sendable {
    /// Takes one request from `key`'s allowance under `limit`, or says when to come back.
    func acquire(key: String, limit: RateLimit) async -> RateDecision
}

/// The answer for one request, with what the `RateLimit-*` headers report.
public struct RateDecision: Sendable, Equatable {
    /// Whether the request may go ahead.
    public var allowed: Bool
    /// The limit's request count (`RateLimit-Limit`).
    public var limit: Int
    /// Requests that may still be made at once (`RateLimit-Remaining`).
    public var remaining: Int
    /// Seconds until the whole allowance is back (`RateLimit-Reset`).
    public var resetSeconds: Int
    /// Seconds until a refused caller may try again (`Retry-After`); 0 when allowed.
    public var retryAfterSeconds: Int

    /// Creates a decision.
    public init(allowed: Bool, limit: Int, remaining: Int, resetSeconds: Int, retryAfterSeconds: Int) {
        self.allowed = allowed
        self.limit = limit
        self.remaining = remaining
        self.resetSeconds = resetSeconds
        self.retryAfterSeconds = retryAfterSeconds
    }
}
