public import ChurnGuardCore
public import Foundation
public import Logging
import Synchronization

/// Tells the operator about the service's own errors (`monitoring.alert_on_errors`): every
/// record logged at `error` or `critical` becomes a `service.error` notification on the
/// configured default routes (`SLACK_WEBHOOK_URL`, `ALERT_EMAIL_TO`), at most one per logger,
/// message and service per ``window``, so an outage that logs on every request sends one message
/// an hour, not thousands.
///
/// Events belong to ``organization``, an identity no tenant can have, so only the defaults take
/// them and no tenant's deliveries listing shows them. A process attaches its outbox once it
/// has one (``attach(_:)``); records logged before that are not sent.
public final class OperatorAlerts: Sendable {
    /// The process-wide instance the log handlers report to.
    public static let shared = OperatorAlerts()
    /// The owner of operator events: the nil UUID, never an organization's id.
    public static let organization = OrganizationID(UUID(uuid: (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)))
    /// Seconds during which the same error is sent once.
    public static let window: Int64 = 3_600
    /// Most distinct errors remembered (older ones are forgotten, and may be sent again).
    static let memory = 1_000

    private struct State {
        var sink: (@Sendable (NotificationEvent) async -> Void)?
        var lastSent: [String: Int64] = [:]
    }

    private let state = Mutex(State())

    /// An instance (tests make their own; the service uses ``shared``).
    public init() {}

    /// Starts sending to `sink` (the outbox's `notify`).
    public func attach(_ sink: @escaping @Sendable (NotificationEvent) async -> Void) {
        state.withLock { $0.sink = sink }
    }

    /// Stops sending.
    public func detach() {
        state.withLock { $0.sink = nil }
    }

    /// Reports one logged record; sends it unless the same error was sent within the window.
    /// Returns the event sent, if any (for tests).
    @discardableResult
    public func report(level: Logger.Level, label: String, message: String, metadata: Logger.Metadata,
                       at now: Timestamp = Timestamp(Date())) -> NotificationEvent? {
        guard level >= .error else { return nil }
        let service = metadata["service"].map { "\($0)" } ?? metadata["scope"].map { "\($0)" } ?? ""
        let key = "\(label)|\(service)|\(message)"
        let seconds = now.microseconds / 1_000_000
        let sink = state.withLock { state -> (@Sendable (NotificationEvent) async -> Void)? in
            guard let sink = state.sink else { return nil }
            if let last = state.lastSent[key], seconds - last < Self.window { return nil }
            if state.lastSent.count >= Self.memory { state.lastSent.removeAll() }
            state.lastSent[key] = seconds
            return sink
        }
        guard let sink else { return nil }
        let event = Self.event(level: level, label: label, message: message, service: service, metadata: metadata, at: now, key: key)
        Task { await sink(event) }
        return event
    }

    static func event(level: Logger.Level, label: String, message: String, service: String, metadata: Logger.Metadata,
                      at now: Timestamp, key: String) -> NotificationEvent {
        let host = ProcessInfo.processInfo.hostName
        var facts: [NotificationEvent.Fact] = [.init("level", level.rawValue), .init("logger", label), .init("host", host)]
        if !service.isEmpty { facts.append(.init("service", service)) }
        for (name, value) in metadata.sorted(by: { $0.key < $1.key }) where name != "service" {
            facts.append(.init(name, String("\(value)".prefix(300))))
        }
        let bucket = now.microseconds / 1_000_000 / window
        return NotificationEvent(
            id: "service-error:\(stableHash(key)):\(bucket)", kind: .serviceError, organization: organization,
            severity: level == .critical ? .critical : .high,
            title: "[\(level.rawValue.uppercased())] ChurnGuard on \(host): \(message)",
            summary: "\(message)\(service.isEmpty ? "" : " (\(service))"). The same error is reported at most once an hour; see the service's log for every occurrence.",
            occurredAt: now, groupKey: NotificationEventKind.serviceError.rawValue, facts: facts)
    }

    /// FNV-1a of `text` in hexadecimal: the same in every process, unlike `Hasher`.
    static func stableHash(_ text: String) -> String {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in text.utf8 {
            hash ^= UInt64(byte)
            hash = hash &* 0x0000_0100_0000_01b3
        }
        return String(hash, radix: 16)
    }
}
