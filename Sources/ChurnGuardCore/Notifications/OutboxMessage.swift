/// Where a message of the outbox is.
public enum OutboxState: String, Sendable, Hashable, CaseIterable, Codable {
    /// Waiting to be sent (first time or retry).
    case pending
    /// Accepted by the channel.
    case delivered
    /// Given up: a permanent refusal, or still failing after the give-up time.
    case failed
}

/// One message of the durable notification outbox: one event for one route.
///
/// Written when the event happens and sent by the delivery service, which leases it first so
/// that two workers never send it at the same time (see `NotificationStore`).
public struct OutboxMessage: Sendable, Hashable {
    /// Unique identifier (a UUID, lower case).
    public var id: String
    /// Whose message.
    public var organization: OrganizationID
    /// `<event id>/<route id>`: unique per organization, so the same event is queued once per
    /// route; sent in the `Idempotency-Key` header of webhooks.
    public var idempotencyKey: String
    /// The route it goes out on.
    public var routeID: String
    /// The route's channel when queued.
    public var channel: NotificationChannel
    /// What to tell.
    public var event: NotificationEvent
    /// Where it is.
    public var state: OutboxState
    /// Delivery attempts made so far.
    public var attempts: Int
    /// Not sent before this time (retry backoff, rate limit, digest window).
    public var nextAttemptAt: Timestamp
    /// When it was queued.
    public var createdAt: Timestamp
    /// When it was delivered or given up.
    public var finishedAt: Timestamp?
    /// The last failure, as the channel reported it (never a secret).
    public var lastError: String?
    /// The worker holding it now, if any.
    public var leaseOwner: String?
    /// Until when that worker holds it.
    public var leaseExpiresAt: Timestamp?

    /// Creates a message.
    public init(id: String, organization: OrganizationID, routeID: String, channel: NotificationChannel, event: NotificationEvent,
                state: OutboxState = .pending, attempts: Int = 0, nextAttemptAt: Timestamp, createdAt: Timestamp,
                finishedAt: Timestamp? = nil, lastError: String? = nil, leaseOwner: String? = nil, leaseExpiresAt: Timestamp? = nil) {
        self.id = id
        self.organization = organization
        self.idempotencyKey = event.id + "/" + routeID
        self.routeID = routeID
        self.channel = channel
        self.event = event
        self.state = state
        self.attempts = attempts
        self.nextAttemptAt = nextAttemptAt
        self.createdAt = createdAt
        self.finishedAt = finishedAt
        self.lastError = lastError
        self.leaseOwner = leaseOwner
        self.leaseExpiresAt = leaseExpiresAt
    }
}
