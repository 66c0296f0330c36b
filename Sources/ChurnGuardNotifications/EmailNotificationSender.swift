public import ChurnGuardSMTP
import ChurnGuardCore
import Foundation

/// Sends deliveries as email (plain text and HTML) through ``SMTPClient``: to the route's
/// recipients, or the configured `ALERT_EMAIL_TO`, from `ALERT_EMAIL_FROM`.
public struct EmailNotificationSender: NotificationSender {
    let client: SMTPClient
    let from: String
    let defaultTo: [String]
    let dashboardURL: String?

    /// A sender through `client`.
    public init(client: SMTPClient, from: String, defaultTo: [String], dashboardURL: String?) {
        self.client = client
        self.from = from
        self.defaultTo = defaultTo
        self.dashboardURL = dashboardURL
    }

    /// The email of `delivery` (exposed for the tests, which compare it with what the server received).
    public func message(for delivery: NotificationDelivery) -> SMTPMessage {
        let text = NotificationText(delivery: delivery, dashboardURL: dashboardURL)
        let recipients = delivery.route.emailTo.isEmpty ? defaultTo : delivery.route.emailTo
        let domain = from.split(separator: "@").last.map(String.init) ?? "churnguard.localhost"
        let localID = delivery.idempotencyKey.map { $0.isLetter || $0.isNumber || $0 == "-" || $0 == "." ? $0 : "." }
        return SMTPMessage(
            from: from, to: recipients, subject: text.subject, text: text.plain, html: text.html,
            date: Self.rfc5322(delivery.sentAt.date), messageID: String(localID) + "@" + domain,
            headers: [("X-ChurnGuard-Event", delivery.isDigest ? "digest" : (delivery.events.first?.kind.rawValue ?? "test")),
                      ("X-ChurnGuard-Idempotency-Key", delivery.idempotencyKey)])
    }

    public func send(_ delivery: NotificationDelivery) async throws(DeliveryFailure) {
        let message = message(for: delivery)
        guard !message.to.isEmpty else {
            throw DeliveryFailure("no email recipients (set ALERT_EMAIL_TO or the route's email_to)", permanent: true)
        }
        do {
            try await client.send(message, boundary: Self.boundary)
        } catch {
            throw DeliveryFailure(error.description, permanent: !error.isTransient)
        }
    }

    /// The multipart boundary: `=_` never occurs in quoted-printable text, so it cannot clash with a part.
    public static let boundary = "=_churnguard_alternative"

    static func rfc5322(_ date: Date) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss Z"
        return formatter.string(from: date)
    }
}
