public import Foundation

extension NotificationEvent {
    /// The event as compact JSON with sorted keys (how the outbox stores it).
    public func jsonText() -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        // Every field is a string, number or array of them: encoding cannot fail.
        guard let data = try? encoder.encode(self) else { return "{}" }
        return String(decoding: data, as: UTF8.self)
    }

    /// Reads an event stored by ``jsonText()``; `nil` when the text is not one.
    public init?(jsonText: String) {
        guard let event = try? JSONDecoder().decode(NotificationEvent.self, from: Data(jsonText.utf8)) else { return nil }
        self = event
    }
}

extension NotificationRoute {
    /// The route's event kinds as stored: raw values sorted and comma-separated.
    public var eventsText: String { events.map(\.rawValue).sorted().joined(separator: ",") }

    /// Event kinds read from ``eventsText`` (unknown names are skipped).
    public static func events(fromText text: String) -> Set<NotificationEventKind> {
        Set(text.split(separator: ",").compactMap { NotificationEventKind(rawValue: String($0)) })
    }
}
