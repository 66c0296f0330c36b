/// What a delivery worker asks before it sends a group of messages (one route, one group key):
/// may it go now, or must it wait for the group's digest window or for its channel's rate?
///
/// Asked of the store (``NotificationPacing/decide(_:lastSent:bucket:now:)`` under the store's
/// own lock or transaction), so every worker sharing a database shares one digest window per
/// group and one rate per channel kind.
public struct NotificationPacingRequest: Sendable, Hashable {
    /// Whose messages.
    public var organization: OrganizationID
    /// The route they go out on.
    public var routeID: String
    /// Their group key (``NotificationEvent/groupKey``).
    public var group: String
    /// The route's channel kind, whose rate applies.
    public var channel: NotificationChannel
    /// After a group was sent, how long its next messages wait to go out together.
    public var digestWindowSeconds: Int64
    /// Messages a minute per channel kind, shared by every worker.
    public var ratePerMinute: Int

    /// Creates a request.
    public init(organization: OrganizationID, routeID: String, group: String, channel: NotificationChannel,
                digestWindowSeconds: Int64, ratePerMinute: Int) {
        self.organization = organization
        self.routeID = routeID
        self.group = group
        self.channel = channel
        self.digestWindowSeconds = digestWindowSeconds
        self.ratePerMinute = ratePerMinute
    }
}

/// The answer to a ``NotificationPacingRequest``.
public enum NotificationPacingDecision: Sendable, Hashable {
    /// Send now: a rate token was taken and the group's digest window starts now.
    case send
    /// The group was sent less than a digest window ago: hold until the window ends.
    case holdForDigest(until: Timestamp)
    /// The channel is over its rate: hold until its next token.
    case holdForRate(until: Timestamp)
}

/// A channel kind's token bucket as stored: `ratePerMinute` tokens at most, refilled evenly.
public struct NotificationTokenBucket: Sendable, Hashable {
    /// Tokens left at ``refilledAt``.
    public var tokens: Double
    /// When ``tokens`` was computed.
    public var refilledAt: Timestamp

    /// Creates a bucket state.
    public init(tokens: Double, refilledAt: Timestamp) {
        self.tokens = tokens
        self.refilledAt = refilledAt
    }
}

/// The pacing rule every store applies atomically: the digest window first (a held group takes
/// no token), then the channel's token bucket.
public enum NotificationPacing {
    /// The decision, the bucket to store (`nil`: unchanged) and whether the group's last-sent
    /// time becomes `now`, from the group's last send and the channel's bucket (`nil`: never
    /// used, so full).
    public static func decide(_ request: NotificationPacingRequest, lastSent: Timestamp?, bucket: NotificationTokenBucket?,
                              now: Timestamp) -> (decision: NotificationPacingDecision, bucket: NotificationTokenBucket?, marksSent: Bool) {
        if let lastSent, now < lastSent.adding(seconds: request.digestWindowSeconds) {
            return (.holdForDigest(until: lastSent.adding(seconds: request.digestWindowSeconds)), nil, false)
        }
        let capacity = Double(max(1, request.ratePerMinute))
        let perMicrosecond = capacity / 60_000_000
        var available = capacity
        if let bucket {
            let elapsed = Double(max(0, now.microseconds - bucket.refilledAt.microseconds))
            available = min(capacity, bucket.tokens + elapsed * perMicrosecond)
        }
        // Within a rounding error of a whole token (refills summed over several holds) counts as
        // one, so a group held until its token's time is not held again for a microsecond.
        if available >= 1 - 1e-9 {
            return (.send, NotificationTokenBucket(tokens: max(0, available - 1), refilledAt: now), true)
        }
        let wait = Int64(((1 - available) / perMicrosecond).rounded(.up))
        return (.holdForRate(until: Timestamp(microseconds: now.microseconds + wait)), NotificationTokenBucket(tokens: available, refilledAt: now), false)
    }
}
