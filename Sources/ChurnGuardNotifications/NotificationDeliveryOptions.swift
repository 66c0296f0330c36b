/// Pacing of the delivery service (defaults documented in docs/NOTIFICATIONS.md; the
/// configurable ones come from `notifications.*`).
public struct NotificationDeliveryOptions: Sendable {
    /// Time between looks at the outbox when it was empty.
    public var pollInterval: Duration = .seconds(1)
    /// Most messages leased at once.
    public var batchSize = 50
    /// Longest wait for one channel to accept a message (HTTP request, SMTP reply).
    public var sendTimeout: Duration = .seconds(10)
    /// First retry delay; doubled per failed attempt, up to ``maxBackoffSeconds``, with
    /// jitter (each delay drawn uniformly from its upper half).
    public var backoffSeconds: Double = 5
    /// Longest retry delay.
    public var maxBackoffSeconds: Double = 900
    /// Age after which a failing message is given up (state `failed`).
    public var giveUpAfterSeconds: Int64 = 86_400
    /// Events of the same group and route due within this window after one was sent go out
    /// together as one digest.
    public var digestWindowSeconds: Int64 = 60
    /// Most messages (a digest counts once) per channel kind per minute; the rest wait.
    public var ratePerMinute = 30
    /// Delivered and failed messages are deleted this long after they finished.
    public var keepFinishedSeconds: Int64 = 30 * 86_400
    /// Time between deletions of finished messages.
    public var expiryIntervalSeconds: Int64 = 3600

    /// How long a lease lasts: longer than any attempt (send timeout plus margin), so a live
    /// worker never loses a message it is still sending.
    public var leaseSeconds: Int64 {
        Int64(sendTimeout.components.seconds) * 3 + 30
    }

    /// The defaults.
    public init() {}
}
