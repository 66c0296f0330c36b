import Crypto
import Synchronization

/// Tokens whose signature was verified, by the SHA-256 of their text, so a token used again
/// skips parsing and the HMAC; its times, issuer and audience are still checked on every use
/// (``AccessTokens``). Only authentic tokens enter; at most `capacity`, emptied when full.
final class VerifiedTokenCache: Sendable {
    private let table = Mutex<[SHA256Digest: AccessTokenClaims]>([:])
    let capacity: Int

    init(capacity: Int = 10_000) { self.capacity = max(1, capacity) }

    func claims(for digest: SHA256Digest) -> AccessTokenClaims? {
        table.withLock { $0[digest] }
    }

    func remember(_ claims: AccessTokenClaims, for digest: SHA256Digest) {
        table.withLock { table in
            if table.count >= capacity { table.removeAll(keepingCapacity: true) }
            table[digest] = claims
        }
    }
}
