public import ChurnGuardCore
import ChurnGuardEngine

/// The `notifications.*` settings: channels (Slack, SMTP), default recipients and pacing.
public struct NotificationSettings: Sendable {
    /// `SLACK_WEBHOOK_URL`.
    public var slackWebhookURL: String?
    /// `SMTP_HOST`; no email channel without it.
    public var smtpHost: String?
    /// `SMTP_PORT`.
    public var smtpPort = ConfigSchema.smtpPort.defaultValue
    /// `SMTP_USERNAME`.
    public var smtpUsername: String?
    /// `SMTP_PASSWORD`.
    public var smtpPassword: String?
    /// `notifications.smtp.security`: starttls, starttls_required, tls or none.
    public var smtpSecurity = ConfigSchema.smtpSecurity.defaultValue
    /// `notifications.smtp.ca_file`.
    public var smtpCAFile: String?
    /// `ALERT_EMAIL_TO`.
    public var emailTo: [String] = []
    /// `ALERT_EMAIL_FROM`.
    public var emailFrom = ConfigSchema.emailFrom.defaultValue
    /// `NOTIFICATION_SECRETS_KEY`: seals route secrets at rest when set.
    public var secretsKey: String?
    /// `notifications.dashboard_url`.
    public var dashboardURL: String?
    /// `monitoring.alert_on_errors`: the default routes also take the service's own errors.
    public var alertOnErrors = ConfigSchema.alertOnErrors.defaultValue
    /// `notifications.send_timeout` in seconds.
    public var sendTimeoutSeconds = ConfigSchema.notifySendTimeout.defaultValue
    /// `notifications.give_up_after` in seconds.
    public var giveUpAfterSeconds = ConfigSchema.notifyGiveUp.defaultValue
    /// `notifications.digest_window` in seconds.
    public var digestWindowSeconds = ConfigSchema.notifyDigestWindow.defaultValue
    /// `notifications.rate_per_minute`.
    public var ratePerMinute = ConfigSchema.notifyRate.defaultValue
    /// `notifications.keep_finished` in seconds.
    public var keepFinishedSeconds = ConfigSchema.notifyKeepFinished.defaultValue

    /// The defaults (no channel configured).
    public init() {}

    init(_ values: ConfigValues) throws(ConfigError) {
        typealias S = ConfigSchema
        slackWebhookURL = try S.slackWebhook.read(values)
        if let url = slackWebhookURL, !(url.hasPrefix("https://") || url.hasPrefix("http://")) {
            throw values.fail(S.slackWebhook.path, "must be an http(s) URL")
        }
        smtpHost = try S.smtpHost.read(values)
        smtpPort = try S.smtpPort.read(values)
        smtpUsername = try S.smtpUser.read(values)
        smtpPassword = try S.smtpPassword.read(values)
        smtpSecurity = try S.smtpSecurity.read(values)
        smtpCAFile = try S.smtpCAFile.read(values)
        emailTo = try S.emailTo.read(values)
        for address in emailTo where !Self.isAddress(address) {
            throw values.fail(S.emailTo.path, "'\(address)' is not an email address (local@domain)")
        }
        emailFrom = try S.emailFrom.read(values)
        guard Self.isAddress(emailFrom) else { throw values.fail(S.emailFrom.path, "'\(emailFrom)' is not an email address (local@domain)") }
        secretsKey = try S.secretsKey.read(values)
        if let key = secretsKey, key.utf8.count < 32 {
            throw values.fail(S.secretsKey.path, "must be at least 32 bytes (openssl rand -hex 32)")
        }
        dashboardURL = try S.dashboardURL.read(values)
        alertOnErrors = try S.alertOnErrors.read(values)
        sendTimeoutSeconds = try S.notifySendTimeout.read(values)
        giveUpAfterSeconds = try S.notifyGiveUp.read(values)
        digestWindowSeconds = try S.notifyDigestWindow.read(values)
        ratePerMinute = try S.notifyRate.read(values)
        keepFinishedSeconds = try S.notifyKeepFinished.read(values)
    }

    /// A plain address: one `@` with text on both sides, no spaces, commas or angle brackets.
    static func isAddress(_ text: String) -> Bool {
        let parts = text.split(separator: "@", omittingEmptySubsequences: false)
        guard parts.count == 2, !parts[0].isEmpty, !parts[1].isEmpty, text.utf8.count <= 254 else { return false }
        return text.unicodeScalars.allSatisfy { $0.value > 0x20 && $0.value < 0x7F && !"<>(),;:\\\"[]".unicodeScalars.contains($0) }
    }

    /// The routes organizations without their own use.
    public var defaultRoutes: [NotificationRoute] {
        NotificationRouting.defaultRoutes(slackWebhookURL: slackWebhookURL, emailEnabled: smtpHost != nil, emailTo: emailTo,
                                          serviceErrors: alertOnErrors)
    }
}
