import AsyncHTTPClient
public import ChurnGuardCore
public import ChurnGuardEngine
import ChurnGuardNotifications
import ChurnGuardSMTP
public import ChurnGuardStorage
public import Logging
public import ServiceLifecycle
public import Metrics

/// Builds the notification parts from configuration: the routing with the guide's defaults,
/// the channels' senders and the delivery service.
public enum NotificationComposition {
    /// Stored routes, else the defaults from `SLACK_WEBHOOK_URL` / `SMTP_HOST` + `ALERT_EMAIL_TO`.
    public static func routing(_ configuration: AppConfiguration, store: any NotificationStore) -> NotificationRouting {
        NotificationRouting(store: store, defaults: configuration.notifications.defaultRoutes)
    }

    /// With `monitoring.alert_on_errors`, sends the process's logged errors (``OperatorAlerts``)
    /// into `outbox`, for the default routes. Called once by `serve` and by `worker`.
    public static func alertOperatorOnErrors(_ configuration: AppConfiguration, outbox: NotificationOutbox) {
        guard configuration.notifications.alertOnErrors else { return }
        OperatorAlerts.shared.attach { await outbox.notify($0) }
    }

    /// The delivery pacing from `notifications.*`.
    static func options(_ settings: NotificationSettings) -> NotificationDeliveryOptions {
        var options = NotificationDeliveryOptions()
        options.sendTimeout = .seconds(settings.sendTimeoutSeconds)
        options.giveUpAfterSeconds = Int64(settings.giveUpAfterSeconds)
        options.digestWindowSeconds = Int64(settings.digestWindowSeconds)
        options.ratePerMinute = settings.ratePerMinute
        options.keepFinishedSeconds = Int64(settings.keepFinishedSeconds)
        return options
    }

    /// Slack and webhooks always (a route brings its address); email only with `SMTP_HOST`.
    static func senders(_ settings: NotificationSettings, logger: Logger) -> [NotificationChannel: any NotificationSender] {
        let timeout = Duration.seconds(settings.sendTimeoutSeconds)
        var senders: [NotificationChannel: any NotificationSender] = [
            .slack: HTTPNotificationSender(client: .shared, format: .slack(defaultURL: settings.slackWebhookURL), timeout: timeout,
                                           dashboardURL: settings.dashboardURL),
            .webhook: HTTPNotificationSender(client: .shared, format: .webhook, timeout: timeout, dashboardURL: settings.dashboardURL),
        ]
        if let host = settings.smtpHost {
            let smtp = SMTPConfiguration(
                host: host, port: settings.smtpPort, security: SMTPConfiguration.Security(rawValue: settings.smtpSecurity) ?? .startTLSIfOffered,
                username: settings.smtpUsername, password: settings.smtpPassword, trustRootsPEMFile: settings.smtpCAFile, timeout: timeout)
            senders[.email] = EmailNotificationSender(client: SMTPClient(configuration: smtp, logger: logger), from: settings.emailFrom,
                                                      defaultTo: settings.emailTo, dashboardURL: settings.dashboardURL)
        }
        return senders
    }

    /// The delivery service of a worker (or of `serve` without `--no-worker`).
    public static func deliveryService(_ configuration: AppConfiguration, store: any NotificationStore, logger: Logger,
                                       metricsFactory: any MetricsFactory) -> any Service {
        NotificationDeliveryService(store: store, routing: routing(configuration, store: store),
                                    senders: senders(configuration.notifications, logger: logger),
                                    options: options(configuration.notifications), logger: logger, metricsFactory: metricsFactory)
    }

    /// What the evaluator calls after storing transitions: their events go to the outbox
    /// together (one routes read and one write per organization).
    public static func alertSink(_ outbox: NotificationOutbox) -> @Sendable ([AlertChange]) async -> Void {
        { changes in
            let events = changes.flatMap { change in
                AlertNotification.events(for: change.alert, history: change.history,
                                         at: Timestamp(microseconds: change.alert.updatedAt.microseconds))
            }
            if !events.isEmpty { await outbox.notify(events) }
        }
    }
}
