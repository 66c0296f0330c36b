import ChurnGuardCore
import ChurnGuardEngine
import ChurnGuardNotifications
import ChurnGuardStorage
import Foundation
import Logging
import Metrics
import StoragePostgres
import StoragePostgresTesting
import StorageSQLite
import Synchronization

/// A clock the tests move by hand: the service reads `now` from it.
final class ManualTime: Sendable {
    private let value: Mutex<Timestamp>

    init(_ start: Timestamp = Timestamp(seconds: 1_764_600_000)) { value = Mutex(start) }

    var now: Timestamp { value.withLock { $0 } }

    func advance(seconds: Double) { value.withLock { $0 = Timestamp(microseconds: $0.microseconds + Int64(seconds * 1_000_000)) } }
}

/// The backends the delivery tests run on: memory, SQLite, and PostgreSQL when the test
/// server is configured (always under CI=true, where a missing one fails).
enum NotifyBackend: String, CaseIterable, Sendable {
    case memory, sqlite, postgres

    static var available: [NotifyBackend] { TemporaryPostgresDatabase.enabled ? allCases : [.memory, .sqlite] }
    static var durable: [NotifyBackend] { available.filter { $0 != .memory } }

    /// Runs `body` with a fresh, migrated store of this backend.
    func withStore(_ body: (any NotificationStore) async throws -> Void) async throws {
        switch self {
        case .memory:
            try await body(InMemoryStore())
        case .sqlite:
            let directory = FileManager.default.temporaryDirectory.appendingPathComponent("churnguard-notify-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(at: directory) }
            let store = try SQLiteStore(path: directory.appendingPathComponent("notify.sqlite").path)
            _ = try await store.migrate()
            try await body(store)
        case .postgres:
            try await TemporaryPostgresDatabase.with(maximumConnections: 6) { store, _ in
                _ = try await store.migrate()
                try await body(store)
            }
        }
    }
}

enum Fixtures {
    static let secret = "whsec-0123456789abcdef"

    static var logger: Logger {
        var logger = Logger(label: "notify-test")
        logger.logLevel = .critical
        return logger
    }

    /// An alert-firing event of `organization` in group `group`.
    static func event(_ organization: OrganizationID, id: String, group: String = "alert.firing/churn-high", at time: Timestamp,
                      severity: AlertSeverity = .high) -> NotificationEvent {
        NotificationEvent(id: id, kind: .alertFiring, organization: organization, severity: severity,
                          title: "[HIGH] churn_risk_score firing for customer \(id)", summary: "churn_risk_score is 0.93, above 0.8.",
                          occurredAt: time, groupKey: group, link: "/alerts/\(id)",
                          facts: [.init("metric", "churn_risk_score"), .init("value", "0.93"), .init("threshold", "above 0.8")])
    }

    /// Options for tests: a send timeout generous enough for a loaded machine (a send that
    /// timed out although the receiver got it would be retried and skew the counts).
    static func options(timeout: Duration = .seconds(20), digest: Int64 = 60, rate: Int = 1000) -> NotificationDeliveryOptions {
        var options = NotificationDeliveryOptions()
        options.sendTimeout = timeout
        options.digestWindowSeconds = digest
        options.ratePerMinute = rate
        options.backoffSeconds = 5
        options.maxBackoffSeconds = 60
        options.giveUpAfterSeconds = 3600
        return options
    }

    /// A delivery service for `routes` of `organization` on `store`, driven by `time`.
    static func service(_ store: any NotificationStore, time: ManualTime, options: NotificationDeliveryOptions = options(),
                        owner: String = "worker-a", slackURL: String? = nil, email: (any NotificationSender)? = nil,
                        metrics: any MetricsFactory = NOOPMetricsHandler.instance) -> NotificationDeliveryService {
        var senders: [NotificationChannel: any NotificationSender] = [
            .webhook: HTTPNotificationSender(client: .shared, format: .webhook, timeout: options.sendTimeout, dashboardURL: "https://dash.example.com"),
            .slack: HTTPNotificationSender(client: .shared, format: .slack(defaultURL: slackURL), timeout: options.sendTimeout,
                                           dashboardURL: "https://dash.example.com"),
        ]
        if let email { senders[.email] = email }
        return NotificationDeliveryService(store: store, routing: NotificationRouting(store: store, defaults: []), senders: senders,
                                           options: options, now: { time.now }, jitter: { 1 }, owner: owner, logger: logger,
                                           metricsFactory: metrics)
    }

    /// An outbox writer over `store`, driven by `time`.
    static func outbox(_ store: any NotificationStore, time: ManualTime, defaults: [NotificationRoute] = []) -> NotificationOutbox {
        NotificationOutbox(store: store, routing: NotificationRouting(store: store, defaults: defaults), now: { time.now }, logger: logger)
    }
}
