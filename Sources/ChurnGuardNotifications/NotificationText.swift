import ChurnGuardCore

/// The words of a delivery, shared by the channels: subject line, plain text and HTML.
struct NotificationText {
    let delivery: NotificationDelivery
    let dashboardURL: String?

    /// One line: the event's title, or for a digest the count and the first title.
    var subject: String {
        let events = delivery.events
        guard events.count > 1, let first = events.first else { return delivery.events.first?.title ?? "ChurnGuard notification" }
        return "[ChurnGuard] \(events.count) similar events: \(first.title) and \(events.count - 1) more"
    }

    /// The dashboard address of an event, when a dashboard URL is configured.
    func link(_ event: NotificationEvent) -> String? {
        guard let base = dashboardURL, !base.isEmpty, let path = event.link else { return nil }
        return (base.hasSuffix("/") ? String(base.dropLast()) : base) + path
    }

    /// The plain-text body.
    var plain: String {
        var lines: [String] = []
        if delivery.isDigest { lines += ["\(delivery.events.count) similar events:", ""] }
        for event in delivery.events {
            lines.append(event.title)
            lines.append(event.summary)
            for fact in event.facts { lines.append("  \(fact.name): \(fact.value)") }
            lines.append("  at: \(event.occurredAt)")
            if let link = link(event) { lines.append("  view: \(link)") }
            lines.append("")
        }
        lines.append("-- ChurnGuard Analytics")
        return lines.joined(separator: "\n")
    }

    /// The HTML body (every value escaped).
    var html: String {
        var parts = ["<!DOCTYPE html><html><body style=\"font-family:sans-serif\">"]
        if delivery.isDigest { parts.append("<p>\(delivery.events.count) similar events:</p>") }
        for event in delivery.events {
            parts.append("<h3>\(escape(event.title))</h3><p>\(escape(event.summary))</p><table>")
            for fact in event.facts { parts.append("<tr><th align=\"left\">\(escape(fact.name))</th><td>\(escape(fact.value))</td></tr>") }
            parts.append("<tr><th align=\"left\">at</th><td>\(escape(event.occurredAt.description))</td></tr></table>")
            if let link = link(event) { parts.append("<p><a href=\"\(escape(link))\">View in ChurnGuard</a></p>") }
        }
        parts.append("<p style=\"color:#888\">ChurnGuard Analytics</p></body></html>")
        return parts.joined(separator: "\n")
    }

    func escape(_ text: String) -> String {
        var escaped = ""
        for character in text {
            switch character {
            case "&": escaped += "&amp;"
            case "<": escaped += "&lt;"
            case ">": escaped += "&gt;"
            case "\"": escaped += "&quot;"
            case "'": escaped += "&#39;"
            default: escaped.append(character)
            }
        }
        return escaped
    }
}
