import ChurnGuardCore
import Foundation

/// The documented JSON body of a generic webhook (docs/NOTIFICATIONS.md):
/// `{"id", "type", "organization_id", "sent_at", "events": [...]}`, keys sorted.
struct WebhookPayload: Encodable {
    struct Event: Encodable {
        let id: String
        let type: String
        let severity: String
        let title: String
        let summary: String
        let occurredAt: String
        let link: String?
        let facts: [String: String]
        /// The amount the event concerns (a recommendation's expected value); left out otherwise.
        let value: Double?

        enum CodingKeys: String, CodingKey {
            case id, type, severity, title, summary, occurredAt = "occurred_at", link, facts, value
        }
    }

    let id: String
    let type: String
    let organizationID: String
    let sentAt: String
    let events: [Event]

    enum CodingKeys: String, CodingKey {
        case id, type, organizationID = "organization_id", sentAt = "sent_at", events
    }

    init(_ delivery: NotificationDelivery, dashboardURL: String?) {
        let text = NotificationText(delivery: delivery, dashboardURL: dashboardURL)
        id = delivery.idempotencyKey
        type = delivery.isDigest ? "digest" : (delivery.events.first?.kind.rawValue ?? "test")
        organizationID = delivery.organization.description
        sentAt = delivery.sentAt.description
        events = delivery.events.map { event in
            Event(id: event.id, type: event.kind.rawValue, severity: event.severity.rawValue, title: event.title, summary: event.summary,
                  occurredAt: event.occurredAt.description, link: text.link(event),
                  facts: Dictionary(event.facts.map { ($0.name, $0.value) }, uniquingKeysWith: { first, _ in first }), value: event.value)
        }
    }

    /// The body's bytes.
    func encoded() -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return (try? Array(encoder.encode(self))) ?? Array("{}".utf8)
    }
}

/// The Slack incoming-webhook body: a fallback `text` and blocks with the title, the
/// summary, the key numbers as fields and a link to the dashboard view.
struct SlackPayload: Encodable {
    struct Text: Encodable {
        let type: String
        let text: String
    }

    struct Block: Encodable {
        let type: String
        let text: Text?
        let fields: [Text]?
        let elements: [Text]?
    }

    let text: String
    let blocks: [Block]

    init(_ delivery: NotificationDelivery, dashboardURL: String?) {
        let words = NotificationText(delivery: delivery, dashboardURL: dashboardURL)
        text = words.subject
        var blocks: [Block] = []
        if delivery.isDigest {
            blocks.append(Block(type: "header", text: Text(type: "plain_text", text: String(words.subject.prefix(150))), fields: nil, elements: nil))
        }
        for event in delivery.events.prefix(20) {
            blocks.append(Block(type: "section", text: Text(type: "mrkdwn", text: "*\(Self.escape(event.title))*\n\(Self.escape(event.summary))"),
                                fields: nil, elements: nil))
            let fields = event.facts.prefix(10).map { Text(type: "mrkdwn", text: "*\(Self.escape($0.name))*\n\(Self.escape($0.value))") }
            if !fields.isEmpty { blocks.append(Block(type: "section", text: nil, fields: Array(fields), elements: nil)) }
            var context = ["\(event.occurredAt)"]
            if let link = words.link(event) { context.append("<\(link)|View in ChurnGuard>") }
            blocks.append(Block(type: "context", text: nil, fields: nil, elements: [Text(type: "mrkdwn", text: context.joined(separator: " · "))]))
        }
        if delivery.events.count > 20 {
            blocks.append(Block(type: "context", text: nil, fields: nil,
                                elements: [Text(type: "mrkdwn", text: "and \(delivery.events.count - 20) more")]))
        }
        self.blocks = blocks
    }

    /// Slack's three control characters in text.
    static func escape(_ text: String) -> String {
        text.replacing("&", with: "&amp;").replacing("<", with: "&lt;").replacing(">", with: "&gt;")
    }

    func encoded() -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return (try? Array(encoder.encode(self))) ?? Array("{}".utf8)
    }
}
