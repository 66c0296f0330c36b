import ChurnGuardBootstrap
import ChurnGuardCore
import ChurnGuardEngine
import ChurnGuardStorage
import Foundation
import Logging
import Synchronization
import Testing

/// `monitoring.alert_on_errors`: errors the service logs reach the operator's default routes,
/// once an hour per error, never a tenant's routes; warnings and a detached process send nothing.
@Suite("Operator alerts on service errors")
struct OperatorAlertsTests {
    /// Lines a ``Recorder`` wrote.
    final class Lines: Sendable {
        let value = Mutex<[String]>([])
        var count: Int { value.withLock { $0.count } }
    }

    /// A log handler recording what it was asked to write.
    struct Recorder: LogHandler {
        let lines: Lines
        var metadata: Logger.Metadata = [:]
        var logLevel: Logger.Level = .trace
        subscript(metadataKey key: String) -> Logger.Metadata.Value? {
            get { metadata[key] }
            set { metadata[key] = newValue }
        }
        func log(event: LogEvent) { lines.value.withLock { $0.append(event.message.description) } }
    }

    @Test("an error logged by a worker service becomes one service.error message on the default routes, on every backend",
          arguments: NotifyBackend.available)
    func errorToDefaultRoutes(_ backend: NotifyBackend) async throws {
        try await backend.withStore { store in
            let time = ManualTime()
            let defaults = NotificationRouting.defaultRoutes(slackWebhookURL: "https://hooks.example.com/ops", emailEnabled: false,
                                                             emailTo: [], serviceErrors: true)
            let outbox = Fixtures.outbox(store, time: time, defaults: defaults)
            let alerts = OperatorAlerts()
            alerts.attach { await outbox.notify($0) }
            let written = Lines()
            let logger = Logger(label: "churnguard") { _ in
                OperatorAlertLogHandler(inner: Recorder(lines: written), label: "churnguard", alerts: alerts)
            }
            let tenant = OrganizationID.random()
            // The tenant uses the defaults too: it must never receive the operator's errors.
            logger.warning("group commit failed; retrying batches one by one")
            logger.error("background run failed; retrying at the next tick", metadata: ["service": "aggregation", "error": "disk I/O error"])
            logger.error("background run failed; retrying at the next tick", metadata: ["service": "aggregation", "error": "again"])
            logger.critical("database write failed; writes are refused until restart", metadata: ["error": "SQLITE_IOERR_FSYNC"])
            #expect(written.count == 4, "the inner handler still writes every line")
            var queued: [OutboxMessage] = []
            for _ in 0..<200 {
                queued = try await store.notificationMessages(OutboxQuery(), organization: OperatorAlerts.organization)
                if queued.count >= 2 { break }
                try await Task.sleep(for: .milliseconds(10))
            }
            try await Task.sleep(for: .milliseconds(100))
            queued = try await store.notificationMessages(OutboxQuery(), organization: OperatorAlerts.organization)
            #expect(queued.count == 2, "one per distinct error within the hour: \(queued.map(\.event.title))")
            #expect(queued.allSatisfy { $0.event.kind == .serviceError && $0.routeID == NotificationRouting.defaultSlackID })
            let aggregation = try #require(queued.first { $0.event.facts.contains(.init("service", "aggregation")) })
            #expect(aggregation.event.severity == .high && aggregation.event.facts.contains(.init("error", "disk I/O error")))
            #expect(queued.contains { $0.event.severity == .critical })
            #expect(try await store.notificationMessages(OutboxQuery(), organization: tenant).isEmpty)
        }
    }

    @Test("the same error is sent again after the window; nothing is sent while detached or below error")
    func window() {
        let alerts = OperatorAlerts()
        let start = Timestamp(seconds: 1_764_000_000)
        #expect(alerts.report(level: .error, label: "l", message: "m", metadata: [:], at: start) == nil, "detached")
        alerts.attach { _ in }
        #expect(alerts.report(level: .warning, label: "l", message: "m", metadata: [:], at: start) == nil)
        let first = alerts.report(level: .error, label: "l", message: "m", metadata: [:], at: start)
        #expect(first != nil)
        #expect(alerts.report(level: .error, label: "l", message: "m", metadata: [:], at: start.adding(seconds: 3_599)) == nil)
        let later = alerts.report(level: .error, label: "l", message: "m", metadata: [:], at: start.adding(seconds: 3_600))
        #expect(later != nil && later?.id != first?.id, "a new hour, a new event id")
        #expect(alerts.report(level: .error, label: "l", message: "other", metadata: [:], at: start.adding(seconds: 3_601)) != nil)
    }

    @Test("tenants cannot put service.error on their own routes")
    func tenantsCannotSubscribe() {
        let routes = NotificationRouting.defaultRoutes(slackWebhookURL: "https://x.example.com", emailEnabled: false, emailTo: [])
        #expect(routes.first?.events == [.alertFiring, .alertResolved], "without alert_on_errors the defaults take alerts only")
    }
}
