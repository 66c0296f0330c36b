import ChurnGuardCore
import Foundation

/// The JSON of a notification route. Secrets never leave the server: a Slack or webhook
/// `url` is shown as its scheme and host only (the path carries the token) and the signing
/// secret only as `secret_set`.
enum NotificationRouteJSON {
    /// Most routes per organization.
    static let maxRoutes = 50
    /// Shortest and longest webhook signing secret.
    static let secretLength = 16...256
    /// Largest `minimum_value` (a bound so the stored number stays exact and readable).
    static let maxMinimumValue = 1e12

    /// A route as answered.
    struct Out: Encodable {
        let id: String
        let channel: String
        let events: [String]
        let minimumSeverity: String
        let minimumValue: Double?
        let url: String?
        let emailTo: [String]
        let secretSet: Bool
        let enabled: Bool

        enum CodingKeys: String, CodingKey {
            case id, channel, events, minimumSeverity = "minimum_severity", minimumValue = "minimum_value", url, emailTo = "email_to", secretSet = "secret_set", enabled
        }

        init(_ route: NotificationRoute) {
            id = route.id
            channel = route.channel.rawValue
            events = route.events.map(\.rawValue).sorted()
            minimumSeverity = route.minimumSeverity.rawValue
            minimumValue = route.minimumValue
            url = route.url.map(NotificationRouteJSON.masked)
            emailTo = route.emailTo
            secretSet = !(route.secret ?? "").isEmpty
            enabled = route.enabled
        }
    }

    /// `https://host/…`: enough to recognise the destination, nothing of its token.
    static func masked(_ url: String) -> String {
        guard let components = URLComponents(string: url), let scheme = components.scheme, let host = components.host else { return "…" }
        return "\(scheme)://\(host)\(components.port.map { ":\($0)" } ?? "")/…"
    }

    /// Reads one route; problems are named by `prefix` + field. A webhook route without a
    /// `secret` keeps the stored route's of the same id (`previous`).
    static func parse(_ object: [String: JSONValue], prefix: String, previous: NotificationRoute?,
                      problems: inout [ErrorDetail]) -> NotificationRoute? {
        let known: Set<String> = ["id", "channel", "events", "minimum_severity", "minimum_value", "url", "email_to", "secret", "enabled"]
        for key in object.keys.sorted() where !known.contains(key) {
            problems.append(ErrorDetail(field: prefix + key, message: "unknown field"))
        }
        let start = problems.count
        let id = object["id"]?.string ?? ""
        if !NotificationRoute.isValidID(id) {
            problems.append(ErrorDetail(field: prefix + "id", message: "must be 1–64 characters of a-z, 0-9, _ . -"))
        }
        guard let channel = object["channel"]?.string.flatMap(NotificationChannel.init(rawValue:)) else {
            problems.append(ErrorDetail(field: prefix + "channel", message: "must be slack, email or webhook"))
            return nil
        }
        var events: Set<NotificationEventKind> = [.alertFiring, .alertResolved]
        if let raw = object["events"] {
            if case .array(let items) = raw, !items.isEmpty,
               case let kinds = items.compactMap({ $0.string.flatMap(NotificationEventKind.init(rawValue:)) }), kinds.count == items.count,
               !kinds.contains(.test), !kinds.contains(.serviceError) {
                events = Set(kinds)
            } else {
                problems.append(ErrorDetail(field: prefix + "events", message: "must be a non-empty list of alert.firing, alert.resolved, anomaly.detected, insight.generated, recommendation.created"))
            }
        }
        var severity = AlertSeverity.low
        if let raw = object["minimum_severity"] {
            if let value = raw.string.flatMap(AlertSeverity.init(rawValue:)) { severity = value } else {
                problems.append(ErrorDetail(field: prefix + "minimum_severity", message: "must be low, medium, high or critical"))
            }
        }
        var minimumValue: Double?
        if let raw = object["minimum_value"], raw != .null {
            if let number = raw.number, number.isFinite, number >= 0, number <= maxMinimumValue { minimumValue = number } else {
                problems.append(ErrorDetail(field: prefix + "minimum_value", message: "must be a number from 0 to 1e12 (currency units)"))
            }
        }
        var url: String?
        if let raw = object["url"], raw != .null {
            if let text = raw.string, isHTTPURL(text) { url = text } else {
                problems.append(ErrorDetail(field: prefix + "url", message: "must be an http:// or https:// address of at most 2048 characters"))
            }
        }
        if channel == .webhook && url == nil && object["url"] == nil {
            problems.append(ErrorDetail(field: prefix + "url", message: "a webhook route needs its url"))
        }
        if channel == .email && url != nil {
            problems.append(ErrorDetail(field: prefix + "url", message: "an email route has no url (use email_to)"))
        }
        var emailTo: [String] = []
        if let raw = object["email_to"], raw != .null {
            if case .array(let items) = raw, items.count <= 50, case let addresses = items.compactMap(\.string),
               addresses.count == items.count, addresses.allSatisfy(isAddress) {
                emailTo = addresses
            } else {
                problems.append(ErrorDetail(field: prefix + "email_to", message: "must be a list of at most 50 email addresses (local@domain)"))
            }
            if channel != .email && !emailTo.isEmpty {
                problems.append(ErrorDetail(field: prefix + "email_to", message: "only an email route has recipients"))
            }
        }
        var secret: String?
        if let raw = object["secret"], raw != .null {
            if let text = raw.string, secretLength.contains(text.utf8.count) { secret = text } else {
                problems.append(ErrorDetail(field: prefix + "secret", message: "must be text of \(secretLength.lowerBound) to \(secretLength.upperBound) bytes"))
            }
            if channel != .webhook {
                problems.append(ErrorDetail(field: prefix + "secret", message: "only a webhook route is signed"))
            }
        } else if channel == .webhook {
            secret = previous?.channel == .webhook ? previous?.secret : nil
            if secret == nil {
                problems.append(ErrorDetail(field: prefix + "secret", message: "a new webhook route needs its signing secret"))
            }
        }
        var enabled = true
        if let raw = object["enabled"] {
            if case .bool(let value) = raw { enabled = value } else {
                problems.append(ErrorDetail(field: prefix + "enabled", message: "must be true or false"))
            }
        }
        guard problems.count == start else { return nil }
        return NotificationRoute(id: id, channel: channel, events: events, minimumSeverity: severity, minimumValue: minimumValue,
                                 url: url, emailTo: emailTo,
                                 secret: secret, enabled: enabled)
    }

    static func isHTTPURL(_ text: String) -> Bool {
        guard text.utf8.count <= 2048, let components = URLComponents(string: text), let scheme = components.scheme?.lowercased(),
              scheme == "https" || scheme == "http", let host = components.host, !host.isEmpty else { return false }
        return true
    }

    static func isAddress(_ text: String) -> Bool {
        let parts = text.split(separator: "@", omittingEmptySubsequences: false)
        guard parts.count == 2, !parts[0].isEmpty, !parts[1].isEmpty, text.utf8.count <= 254 else { return false }
        return text.unicodeScalars.allSatisfy { $0.value > 0x20 && $0.value < 0x7F && !"<>(),;:\\\"[]".unicodeScalars.contains($0) }
    }
}

/// An outbox message as listed by `GET /api/v1/notifications/deliveries`.
struct OutboxMessageJSON: Encodable {
    let id: String
    let routeID: String
    let channel: String
    let eventID: String
    let kind: String
    let title: String
    let state: String
    let attempts: Int
    let nextAttemptAt: String?
    let createdAt: String
    let finishedAt: String?
    let lastError: String?

    enum CodingKeys: String, CodingKey {
        case id, routeID = "route_id", channel, eventID = "event_id", kind, title, state, attempts, nextAttemptAt = "next_attempt_at",
             createdAt = "created_at", finishedAt = "finished_at", lastError = "last_error"
    }

    init(_ message: OutboxMessage) {
        id = message.id
        routeID = message.routeID
        channel = message.channel.rawValue
        eventID = message.event.id
        kind = message.event.kind.rawValue
        title = message.event.title
        state = message.state.rawValue
        attempts = message.attempts
        nextAttemptAt = message.state == .pending ? message.nextAttemptAt.description : nil
        createdAt = message.createdAt.description
        finishedAt = message.finishedAt?.description
        lastError = message.lastError
    }
}
