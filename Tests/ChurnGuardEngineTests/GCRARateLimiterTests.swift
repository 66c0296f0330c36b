import ChurnGuardCore
import ChurnGuardEngine
import Synchronization
import Testing

/// A monotonic time moved by hand.
final class ManualDuration: Sendable {
    private let current = Mutex(Duration.zero)
    var now: @Sendable () -> Duration { { [self] in self.current.withLock { $0 } } }
    func advance(_ by: Duration) { current.withLock { $0 += by } }
}

@Suite("GCRA rate limiter")
struct GCRARateLimiterTests {
    @Test("the whole allowance may come at once, then nothing until it refills", arguments: [
        RateLimit(count: 1000, windowSeconds: 3600), RateLimit(count: 10, windowSeconds: 60), RateLimit(count: 1, windowSeconds: 1),
    ])
    func burst(_ limit: RateLimit) async {
        let time = ManualDuration()
        let limiter = GCRARateLimiter(now: time.now)
        var allowed = 0
        var last = RateDecision(allowed: false, limit: 0, remaining: 0, resetSeconds: 0, retryAfterSeconds: 0)
        for _ in 0..<(limit.count + 5) {
            last = await limiter.acquire(key: "k", limit: limit)
            if last.allowed { allowed += 1 }
        }
        #expect(allowed == limit.count)
        #expect(!last.allowed && last.remaining == 0 && last.limit == limit.count)
        let interval = Double(limit.windowSeconds) / Double(limit.count)
        #expect(last.retryAfterSeconds == max(1, Int(interval.rounded(.up))), "one interval until the next request")
        #expect(last.resetSeconds == limit.windowSeconds, "the whole window until everything is back")
        time.advance(.seconds(interval))
        #expect(await limiter.acquire(key: "k", limit: limit).allowed, "one request back after one interval")
    }

    @Test("remaining counts down as requests are made")
    func remaining() async {
        let limiter = GCRARateLimiter(now: ManualDuration().now)
        let limit = RateLimit(count: 5, windowSeconds: 60)
        var seen: [Int] = []
        for _ in 0..<5 { seen.append(await limiter.acquire(key: "k", limit: limit).remaining) }
        #expect(seen == [4, 3, 2, 1, 0])
    }

    @Test("a steady flood gets the configured rate within ±5 %", arguments: [
        RateLimit(count: 1000, windowSeconds: 3600), RateLimit(count: 10_000, windowSeconds: 3600), RateLimit(count: 120, windowSeconds: 60),
    ])
    func accuracy(_ limit: RateLimit) async {
        let time = ManualDuration()
        let limiter = GCRARateLimiter(now: time.now)
        // Use up the burst, then send ten requests per interval for ten windows.
        for _ in 0..<limit.count { _ = await limiter.acquire(key: "k", limit: limit) }
        let step = Duration.seconds(limit.windowSeconds) / (limit.count * 10)
        var allowed = 0
        for _ in 0..<(limit.count * 100) {
            time.advance(step)
            if await limiter.acquire(key: "k", limit: limit).allowed { allowed += 1 }
        }
        let expected = Double(limit.count * 10)
        #expect(abs(Double(allowed) - expected) <= expected * 0.05, "\(allowed) allowed over ten windows, expected \(expected)")
    }

    @Test("keys are independent, and the table forgets keys whose allowance is full")
    func keys() async {
        let time = ManualDuration()
        let limiter = GCRARateLimiter(maxKeys: 10, now: time.now)
        let limit = RateLimit(count: 2, windowSeconds: 10)
        for key in ["a", "a", "a"] { _ = await limiter.acquire(key: key, limit: limit) }
        #expect(await limiter.acquire(key: "b", limit: limit).allowed, "another key has its own allowance")
        for index in 0..<50 { _ = await limiter.acquire(key: "k\(index)", limit: limit) }
        #expect(limiter.trackedKeys > 10, "all are partly used")
        time.advance(.seconds(11))
        _ = await limiter.acquire(key: "late", limit: limit)
        #expect(limiter.trackedKeys <= 10, "\(limiter.trackedKeys) keys kept after their allowances refilled")
    }
}
