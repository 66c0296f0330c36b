import ChurnGuardCore
import ChurnGuardEngine
import ChurnGuardNotifications
import ChurnGuardSMTP
import ChurnGuardStorage
import Foundation
import SMTPTesting
import Testing

/// Alert mail end to end: outbox → delivery service → SMTP client → a real SMTP server.
@Suite("Email delivery", .enabled(if: LocalSMTPServer.available, Comment(rawValue: LocalSMTPServer.skipNote)))
struct EmailDeliveryTests {
    @Test("an alert reaches the default recipients over STARTTLS with AUTH, exactly as rendered (text and HTML)",
          arguments: NotifyBackend.available)
    func mailed(_ backend: NotifyBackend) async throws {
        let server = try await LocalSMTPServer(tls: true, user: "alerts", password: "pa55word")
        defer { server.stop() }
        try await backend.withStore { store in
            let org = OrganizationID.random(), time = ManualTime()
            let defaults = NotificationRouting.defaultRoutes(slackWebhookURL: nil, emailEnabled: true, emailTo: ["ops@example.com", "cs@example.com"])
            let sender = EmailNotificationSender(
                client: SMTPClient(configuration: SMTPConfiguration(host: "localhost", port: server.port, security: .startTLSRequired,
                                                                    username: "alerts", password: "pa55word",
                                                                    trustRootsPEMFile: server.certificateFile, timeout: .seconds(10))),
                from: "churnguard@example.com", defaultTo: ["ops@example.com", "cs@example.com"], dashboardURL: "https://dash.example.com")
            let routing = NotificationRouting(store: store, defaults: defaults)
            let outbox = NotificationOutbox(store: store, routing: routing, now: { time.now }, logger: Fixtures.logger)
            let queued = await outbox.notify(Fixtures.event(org, id: "alert:m1:firing", at: time.now))
            try #require(queued.count == 1 && queued[0].routeID == NotificationRouting.defaultEmailID)
            let service = NotificationDeliveryService(store: store, routing: routing, senders: [.email: sender], options: Fixtures.options(),
                                                      now: { time.now }, jitter: { 1 }, logger: Fixtures.logger)
            #expect(await service.runOnce() == 1)
            let received = try await server.waitFor(1)
            try #require(received.count == 1)
            let expected = sender.message(for: NotificationDelivery.of(queued, route: defaults[0], at: time.now))
            #expect(received[0].data == expected.rendered(boundary: EmailNotificationSender.boundary))
            #expect(received[0].recipients == ["ops@example.com", "cs@example.com"] && received[0].tls && received[0].login == "alerts")
            #expect(received[0].data.contains("Content-Type: text/plain; charset=utf-8") && received[0].data.contains("Content-Type: text/html; charset=utf-8"))
            #expect(received[0].data.contains("Subject: [HIGH] churn_risk_score firing for customer alert:m1:firing"))
            #expect(received[0].data.contains("X-ChurnGuard-Idempotency-Key: alert:m1:firing/default-email"))
            let stored = try await store.notificationMessages(OutboxQuery(), organization: org)
            #expect(stored.map(\.state) == [.delivered])
        }
    }

    @Test("a refused login fails the message at once with the server's answer and no password")
    func refusedLogin() async throws {
        let server = try await LocalSMTPServer(tls: true, user: "alerts", password: "pa55word")
        defer { server.stop() }
        let store = InMemoryStore(), org = OrganizationID.random(), time = ManualTime()
        let defaults = NotificationRouting.defaultRoutes(slackWebhookURL: nil, emailEnabled: true, emailTo: ["ops@example.com"])
        let sender = EmailNotificationSender(
            client: SMTPClient(configuration: SMTPConfiguration(host: "localhost", port: server.port, username: "alerts",
                                                                password: "not-the-password", trustRootsPEMFile: server.certificateFile)),
            from: "churnguard@example.com", defaultTo: ["ops@example.com"], dashboardURL: nil)
        let routing = NotificationRouting(store: store, defaults: defaults)
        await NotificationOutbox(store: store, routing: routing, now: { time.now }, logger: Fixtures.logger)
            .notify(Fixtures.event(org, id: "alert:m2:firing", at: time.now))
        await NotificationDeliveryService(store: store, routing: routing, senders: [.email: sender], options: Fixtures.options(),
                                          now: { time.now }, logger: Fixtures.logger).runOnce()
        let failed = try await store.notificationMessages(OutboxQuery(states: [.failed]), organization: org)
        #expect(failed.count == 1 && failed[0].lastError?.contains("535") == true, "\(failed)")
        #expect(failed.first?.lastError?.contains("not-the-password") == false)
    }
}
