public import ChurnGuardCore
public import Metrics
import Synchronization

/// Per-key rate limits by the generic cell rate algorithm (GCRA): for each key one number,
/// the *theoretical arrival time* (TAT) at which its allowance would be full again. A request
/// costs one emission interval `T = window / count`; it is allowed while the TAT it would
/// push to stays within one window of now, so up to `count` requests may come at once and then
/// one every `T` — exactly `count` per window in the long run, with no timers and O(1) state.
///
/// Memory is bounded: keys whose allowance is full again carry no information and are dropped
/// when the table grows past `maxKeys`.
public final class GCRARateLimiter: RateLimiter {
    private let now: @Sendable () -> Duration
    private let maxKeys: Int
    private let state = Mutex<[String: Duration]>([:])
    private let refusals: Counter

    /// A limiter on the monotonic clock `now` (a manual one in tests), remembering at most
    /// about `maxKeys` keys with a partly used allowance; refusals count in `metricsFactory`.
    public init(maxKeys: Int = 100_000, now: @escaping @Sendable () -> Duration = GCRARateLimiter.monotonicNow,
                metricsFactory: any MetricsFactory = MetricsSystem.factory) {
        self.now = now
        refusals = Counter(label: "churnguard_rate_limited_total", factory: metricsFactory)
        self.maxKeys = max(1, maxKeys)
    }

    public func acquire(key: String, limit: RateLimit) async -> RateDecision {
        let current = now()
        let window = Duration.seconds(limit.windowSeconds)
        let interval = window / limit.count
        let decision = state.withLock { table -> RateDecision in
            let tat = max(table[key] ?? current, current)
            let next = tat + interval
            if next - current <= window {
                table[key] = next
                if table.count > maxKeys { table = table.filter { $0.value > current } }
                return RateDecision(allowed: true, limit: limit.count, remaining: Self.whole(window - (next - current), per: interval),
                                    resetSeconds: Self.ceilingSeconds(next - current), retryAfterSeconds: 0)
            }
            return RateDecision(allowed: false, limit: limit.count, remaining: 0, resetSeconds: Self.ceilingSeconds(tat - current),
                                retryAfterSeconds: max(1, Self.ceilingSeconds(next - window - current)))
        }
        if !decision.allowed { refusals.increment() }
        return decision
    }

    /// Keys with a partly used allowance (for tests).
    public var trackedKeys: Int { state.withLock { $0.count } }

    /// How many whole `interval`s fit in `span`.
    static func whole(_ span: Duration, per interval: Duration) -> Int {
        guard span > .zero, interval > .zero else { return 0 }
        return Int((span / interval).rounded(.down))
    }

    /// `span` in whole seconds, rounded up.
    static func ceilingSeconds(_ span: Duration) -> Int {
        let (seconds, attoseconds) = span.components
        return Int(seconds) + (attoseconds > 0 ? 1 : 0)
    }

    /// Time since an arbitrary origin on the monotonic clock.
    @Sendable public static func monotonicNow() -> Duration { ContinuousClock.now - origin }
    private static let origin = ContinuousClock.now
}
