/// A kind of channel a notification can go out on.
public enum NotificationChannel: String, Sendable, Hashable, CaseIterable, Codable {
    /// A Slack incoming webhook.
    case slack
    /// Email over SMTP.
    case email
    /// A generic webhook receiving a signed JSON event.
    case webhook
}

/// One of an organization's routes: which events go to which channel and where.
///
/// Secrets (`url` of a Slack or webhook route, which carries the token; the webhook's
/// signing `secret`) are stored but never returned by the API nor logged.
public struct NotificationRoute: Sendable, Hashable {
    /// Identifier, unique within the organization (`[a-z0-9_.-]`, 1–64 characters).
    public var id: String
    /// The channel.
    public var channel: NotificationChannel
    /// The kinds of event sent on this route.
    public var events: Set<NotificationEventKind>
    /// Events below this severity are not sent. Recommendations have no severity of their
    /// own: ``minimumValue`` selects them instead.
    public var minimumSeverity: AlertSeverity
    /// Events concerning less money than this (a recommendation's expected value) are not
    /// sent; `nil` sends them whatever their value.
    public var minimumValue: Double?
    /// Slack or webhook address; `nil` for Slack means the configured `SLACK_WEBHOOK_URL`.
    public var url: String?
    /// Email recipients; empty means the configured `ALERT_EMAIL_TO`.
    public var emailTo: [String]
    /// The webhook's signing secret (HMAC-SHA256 key).
    public var secret: String?
    /// Whether the route is in use.
    public var enabled: Bool

    /// Creates a route.
    public init(id: String, channel: NotificationChannel, events: Set<NotificationEventKind> = [.alertFiring, .alertResolved],
                minimumSeverity: AlertSeverity = .low, minimumValue: Double? = nil, url: String? = nil, emailTo: [String] = [],
                secret: String? = nil, enabled: Bool = true) {
        self.id = id
        self.channel = channel
        self.events = events
        self.minimumSeverity = minimumSeverity
        self.minimumValue = minimumValue
        self.url = url
        self.emailTo = emailTo
        self.secret = secret
        self.enabled = enabled
    }

    /// Whether `event` goes out on this route (test events go to every enabled route). A
    /// recommendation is selected by its value, every other event by its severity; an event
    /// with a value also needs it to reach ``minimumValue``.
    public func accepts(_ event: NotificationEvent) -> Bool {
        guard enabled, event.kind == .test || events.contains(event.kind) else { return false }
        if let minimumValue, let value = event.value, value < minimumValue { return false }
        return event.kind == .recommendationCreated || event.severity >= minimumSeverity
    }

    /// Whether `id` is a valid route identifier.
    public static func isValidID(_ id: String) -> Bool {
        (1...64).contains(id.utf8.count) && id.utf8.allSatisfy { byte in
            (byte >= 0x61 && byte <= 0x7A) || (byte >= 0x30 && byte <= 0x39) || byte == 0x5F || byte == 0x2E || byte == 0x2D
        }
    }
}
