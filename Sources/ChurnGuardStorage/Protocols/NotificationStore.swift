public import ChurnGuardCore

/// How a leased outbox message ended its attempt.
public enum OutboxOutcome: Sendable, Equatable {
    /// The channel accepted it.
    case delivered(at: Timestamp)
    /// Try again at `next`. `attempted` is false when it was held back without being sent
    /// (rate limit, digest window): the attempt count then stays as it was.
    case retry(next: Timestamp, error: String?, attempted: Bool, at: Timestamp)
    /// Given up (permanent refusal or past the give-up time).
    case failed(error: String, at: Timestamp)
}

/// Which outbox messages a listing returns, newest first.
public struct OutboxQuery: Sendable, Equatable {
    /// Only messages in one of these states (all when empty).
    public var states: Set<OutboxState>
    /// Most messages returned.
    public var limit: Int

    /// Creates a query.
    public init(states: Set<OutboxState> = [], limit: Int = 100) {
        self.states = states
        self.limit = limit
    }
}

/// The notifications role: each organization's routes and the durable outbox of messages
/// to send. Every method may be called concurrently, from several processes. Checked by
/// `StoreConformance.notificationCases`.
///
/// What every implementation promises:
/// - **Once per event and route.** ``enqueueNotifications(_:organization:)`` ignores a
///   message whose idempotency key the organization already has, so an event re-queued after
///   a crash or retry is not sent twice.
/// - **Leases.** ``leaseNotifications(owner:now:until:limit:)`` hands a due pending message to
///   one caller at a time: until the lease expires nobody else gets it, and only the lease
///   holder can finish it. A holder that dies leaves it to be leased again after expiry
///   (at-least-once delivery).
/// - **Shared pacing.** ``paceNotifications(_:now:)`` decides atomically for every caller, so
///   workers on one store share each group's digest window and each channel's rate.
/// - **Tenant scope.** Routes and listings of one organization never show another's.
public protocol NotificationStore: Sendable {
    /// The organization's routes, by id (secrets included, for delivery), or `nil` when it
    /// never set any (the configuration's defaults apply).
    func notificationRoutes(organization: OrganizationID) async throws -> [NotificationRoute]?

    /// Replaces every route of the organization, atomically (an empty list turns every
    /// notification of the organization off).
    func replaceNotificationRoutes(_ routes: [NotificationRoute], organization: OrganizationID, at time: Timestamp) async throws

    /// Queues messages of one organization; returns how many were new (others had their
    /// idempotency key already).
    @discardableResult
    func enqueueNotifications(_ messages: [OutboxMessage], organization: OrganizationID) async throws -> Int

    /// Leases up to `limit` pending messages of every organization due at `now` (and not
    /// leased by anyone, or whose lease expired) to `owner` until `until`, earliest due first.
    func leaseNotifications(owner: String, now: Timestamp, until: Timestamp, limit: Int) async throws -> [OutboxMessage]

    /// Ends `owner`'s attempt on a leased message; `false` when `owner` no longer holds it
    /// (the lease expired and another worker took it, or it is finished).
    @discardableResult
    func finishNotification(id: String, owner: String, outcome: OutboxOutcome) async throws -> Bool

    /// The organization's messages selected by `query`, newest first.
    func notificationMessages(_ query: OutboxQuery, organization: OrganizationID) async throws -> [OutboxMessage]

    /// Deletes up to `limit` delivered or failed messages of every organization finished
    /// before `cutoff`; returns how many. Pending messages are never deleted. Digest marks of
    /// groups last sent before `cutoff` go too.
    @discardableResult
    func expireNotifications(finishedBefore cutoff: Timestamp, limit: Int) async throws -> Int

    /// Whether a group may be sent at `now`, by ``NotificationPacing/decide(_:lastSent:bucket:now:)``
    /// applied atomically to the group's last send and the channel's token bucket, which it
    /// updates: after `.send`, the group's digest window starts at `now` for every worker.
    func paceNotifications(_ request: NotificationPacingRequest, now: Timestamp) async throws -> NotificationPacingDecision

    /// Undoes the digest window a `.send` decision at `sentAt` started, after the send failed,
    /// so the group's retry is not held back as if it had been delivered (the rate token stays
    /// taken: the receiver was called). Nothing happens if a later send moved the mark.
    func releaseNotificationPacing(_ request: NotificationPacingRequest, sentAt: Timestamp) async throws
}
