// Cost per request of the in-process rate limiter (GCRA), for scripts/bench-auth: acquire on
// 1 and on 10,000 interleaved keys, single task, release build. Prints ns per acquire.
import ChurnGuardCore
import ChurnGuardEngine

let limit = RateLimit(count: 1_000_000_000, windowSeconds: 3600)
for keyCount in [1, 10_000] {
    let limiter = GCRARateLimiter()
    let keys = (0..<keyCount).map { "key-\($0)" }
    let iterations = 2_000_000
    for key in keys { _ = await limiter.acquire(key: key, limit: limit) }  // warm every key
    let clock = ContinuousClock()
    var allowed = 0
    let elapsed = await clock.measure {
        for index in 0..<iterations where await limiter.acquire(key: keys[index % keyCount], limit: limit).allowed {
            allowed += 1
        }
    }
    let nanoseconds = Double(elapsed.components.seconds) * 1e9 + Double(elapsed.components.attoseconds) / 1e9
    print("rate limiter, \(keyCount) key(s): \(String(format: "%.0f", nanoseconds / Double(iterations))) ns per acquire (\(allowed) allowed)")
}
