import ChurnGuardCore

/// A token bucket per channel kind: `perMinute` tokens, refilled evenly. Time comes from the
/// caller (the service's clock), so tests drive it by hand.
struct ChannelRateLimiter {
    private var tokens: [NotificationChannel: Double] = [:]
    private var updated: [NotificationChannel: Timestamp] = [:]
    let perMinute: Int

    init(perMinute: Int) { self.perMinute = max(1, perMinute) }

    /// Takes a token when there is one (`nil`), else says when the next one comes.
    mutating func take(_ channel: NotificationChannel, at now: Timestamp) -> Timestamp? {
        let capacity = Double(perMinute)
        let perMicrosecond = capacity / 60_000_000
        var available = tokens[channel] ?? capacity
        if let last = updated[channel] { available = min(capacity, available + Double(max(0, now.microseconds - last.microseconds)) * perMicrosecond) }
        updated[channel] = now
        if available >= 1 {
            tokens[channel] = available - 1
            return nil
        }
        tokens[channel] = available
        return Timestamp(microseconds: now.microseconds + Int64(((1 - available) / perMicrosecond).rounded(.up)))
    }
}
