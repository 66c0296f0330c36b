public import ChurnGuardCore
import Crypto

/// What a channel sends in one go: one event, or several similar ones as a digest, for one
/// route, with the key receivers use to drop duplicates.
public struct NotificationDelivery: Sendable {
    /// The events, oldest first (more than one: a digest).
    public var events: [NotificationEvent]
    /// The route (with its secrets; never log it whole).
    public var route: NotificationRoute
    /// The message's idempotency key, or for a digest one derived from every message's key.
    public var idempotencyKey: String
    /// Whose events.
    public var organization: OrganizationID
    /// When this attempt is made (the webhook's signed timestamp).
    public var sentAt: Timestamp

    /// Creates a delivery.
    public init(events: [NotificationEvent], route: NotificationRoute, idempotencyKey: String, organization: OrganizationID,
                sentAt: Timestamp) {
        self.events = events
        self.route = route
        self.idempotencyKey = idempotencyKey
        self.organization = organization
        self.sentAt = sentAt
    }

    /// A delivery of `messages` (one route, same group) sent at `time`.
    public static func of(_ messages: [OutboxMessage], route: NotificationRoute, at time: Timestamp) -> NotificationDelivery {
        let keys = messages.map(\.idempotencyKey).sorted()
        let key = keys.count == 1 ? keys[0]
            : "digest/" + SHA256.hash(data: Array(keys.joined(separator: "\n").utf8)).prefix(16).map { byte in
                let hex = Array("0123456789abcdef")
                return String(hex[Int(byte >> 4)]) + String(hex[Int(byte & 0x0F)])
            }.joined()
        return NotificationDelivery(events: messages.map(\.event).sorted { ($0.occurredAt, $0.id) < ($1.occurredAt, $1.id) },
                                    route: route, idempotencyKey: key, organization: messages[0].organization, sentAt: time)
    }

    /// Whether several events are sent together.
    public var isDigest: Bool { events.count > 1 }
}

/// Why a delivery failed, and whether trying again may help.
public struct DeliveryFailure: Error, Sendable, CustomStringConvertible {
    /// What happened (a status and the start of the answer, a connection error; never a secret).
    public var message: String
    /// `true` when retrying cannot help (a 4xx refusal other than 408/429, a 5xx SMTP reply,
    /// a missing configuration): the message fails at once.
    public var permanent: Bool

    /// Creates a failure.
    public init(_ message: String, permanent: Bool) {
        self.message = message
        self.permanent = permanent
    }

    public var description: String { message }
}

/// Sends deliveries on one kind of channel.
public protocol NotificationSender: Sendable {
    /// Sends `delivery`, returning once the receiver accepted it.
    /// - Throws: ``DeliveryFailure``.
    func send(_ delivery: NotificationDelivery) async throws(DeliveryFailure)
}
