import ChurnGuardCore
import Metrics
import Synchronization

/// Remembers API keys that passed verification for a short time, so a busy key costs no
/// database read per request.
///
/// Entries are keyed by the SHA-256 of the presented key (equal hashes mean the same key) and
/// live for `ttl`: a key revoked elsewhere (another replica, the CLI) stops working within
/// that bound. Only successes are stored, so unknown or forged keys cannot fill it; the
/// number of entries is capped, and when full the oldest entry makes room.
final class VerifiedKeyCache: Sendable {
    private struct Entry {
        let identity: AuthenticatedIdentity
        let expires: Duration
    }

    private struct State {
        var entries: [[UInt8]: Entry] = [:]
        /// Insertion order, for eviction when full; may hold keys already removed.
        var order: [[UInt8]] = []
        var head = 0
    }

    /// How long a verified key is trusted without asking the store again.
    let ttl: Duration
    /// Most keys remembered.
    let capacity: Int
    private let now: @Sendable () -> Duration
    private let state = Mutex(State())
    private let hits: Counter
    private let misses: Counter

    /// A cache trusting a key for `ttl` (zero disables it), holding at most `capacity` keys;
    /// `now` is a monotonic clock (a manual one in tests).
    init(ttl: Duration, capacity: Int, now: @escaping @Sendable () -> Duration = VerifiedKeyCache.monotonicNow,
         metricsFactory: any MetricsFactory = MetricsSystem.factory) {
        hits = Counter(label: "churnguard_api_key_cache_total", dimensions: [("result", "hit")], factory: metricsFactory)
        misses = Counter(label: "churnguard_api_key_cache_total", dimensions: [("result", "miss")], factory: metricsFactory)
        self.ttl = ttl
        self.capacity = max(1, capacity)
        self.now = now
    }

    /// The identity of the key with this hash, if it was verified less than `ttl` ago.
    func identity(forKeyHash hash: [UInt8]) -> AuthenticatedIdentity? {
        guard ttl > .zero else { return nil }
        let current = now()
        let found = state.withLock { state -> AuthenticatedIdentity? in
            guard let entry = state.entries[hash] else { return nil }
            guard entry.expires > current else {
                state.entries[hash] = nil
                return nil
            }
            return entry.identity
        }
        if found != nil { hits.increment() } else { misses.increment() }
        return found
    }

    /// Remembers a key that just passed verification.
    func remember(_ identity: AuthenticatedIdentity, forKeyHash hash: [UInt8]) {
        guard ttl > .zero else { return }
        let expires = now() + ttl
        state.withLock { state in
            if state.entries[hash] == nil {
                while state.entries.count >= capacity, state.head < state.order.count {
                    state.entries[state.order[state.head]] = nil
                    state.head += 1
                }
                state.order.append(hash)
                if state.head > 1024, state.head * 2 > state.order.count {
                    state.order.removeFirst(state.head)
                    state.head = 0
                }
            }
            state.entries[hash] = Entry(identity: identity, expires: expires)
        }
    }

    /// Drops every entry of the key `keyID` (its order slot is skipped later).
    func forget(keyID: String) {
        state.withLock { state in
            state.entries = state.entries.filter { $0.value.identity.keyID != keyID }
        }
    }

    /// Keys remembered now (for tests).
    var count: Int { state.withLock { $0.entries.count } }

    /// Time since an arbitrary origin on the monotonic clock.
    @Sendable static func monotonicNow() -> Duration {
        ContinuousClock.now - origin
    }

    private static let origin = ContinuousClock.now
}
