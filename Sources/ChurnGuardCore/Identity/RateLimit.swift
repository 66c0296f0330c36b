/// A request allowance: `count` requests per `windowSeconds`, as the guide writes
/// `1000/hour`; up to `count` may come at once, then they refill evenly over the window.
public struct RateLimit: Sendable, Hashable {
    /// Requests per window.
    public var count: Int
    /// The window, in seconds.
    public var windowSeconds: Int

    /// Creates a limit (both at least 1).
    public init(count: Int, windowSeconds: Int) {
        self.count = max(1, count)
        self.windowSeconds = max(1, windowSeconds)
    }
}
