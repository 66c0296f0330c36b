public import ChurnGuardCore
public import ChurnGuardStorage

/// Which routes an organization's events take: its own routes once it set any (through
/// `PUT /api/v1/notifications/routes`), otherwise the configuration's defaults (every
/// organization's alert transitions to `SLACK_WEBHOOK_URL` and to `ALERT_EMAIL_TO`).
public struct NotificationRouting: Sendable {
    /// Route id of the configured Slack webhook.
    public static let defaultSlackID = "default-slack"
    /// Route id of the configured email recipients.
    public static let defaultEmailID = "default-email"

    /// The routes used by organizations that set none.
    public let defaults: [NotificationRoute]
    let store: any NotificationStore

    /// Routing over `store` with the configuration's `defaults`.
    public init(store: any NotificationStore, defaults: [NotificationRoute]) {
        self.store = store
        self.defaults = defaults
    }

    /// The defaults from the guide's variables: a Slack route when a webhook URL is set, an
    /// email route when an SMTP host and recipients are set; both for alert transitions, and
    /// with `serviceErrors` (`monitoring.alert_on_errors`) for the service's own errors too —
    /// those are only ever raised for the operator (``OperatorAlerts/organization``), so a
    /// tenant using the defaults never receives one.
    public static func defaultRoutes(slackWebhookURL: String?, emailEnabled: Bool, emailTo: [String],
                                     serviceErrors: Bool = false) -> [NotificationRoute] {
        var events: Set<NotificationEventKind> = [.alertFiring, .alertResolved]
        if serviceErrors { events.insert(.serviceError) }
        var routes: [NotificationRoute] = []
        if let url = slackWebhookURL, !url.isEmpty {
            routes.append(NotificationRoute(id: defaultSlackID, channel: .slack, events: events, url: url))
        }
        if emailEnabled, !emailTo.isEmpty {
            routes.append(NotificationRoute(id: defaultEmailID, channel: .email, events: events, emailTo: emailTo))
        }
        return routes
    }

    /// The organization's routes in effect (secrets included: for delivery only).
    public func routes(for organization: OrganizationID) async throws -> [NotificationRoute] {
        try await store.notificationRoutes(organization: organization) ?? defaults
    }

    /// The route `id` of the organization, if it is in effect.
    public func route(id: String, organization: OrganizationID) async throws -> NotificationRoute? {
        try await routes(for: organization).first { $0.id == id }
    }
}
