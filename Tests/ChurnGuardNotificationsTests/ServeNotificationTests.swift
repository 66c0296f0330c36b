import ChurnGuardBootstrap
import ChurnGuardCore
import ChurnGuardEngine
import ChurnGuardStorage
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import Metrics
import StoragePostgresTesting
import StorageSQLite
import Testing

/// The wiring `serve` runs: ingest over HTTP → alert → outbox → delivery service → Slack.
@Suite("Notifications through serve's wiring")
struct ServeNotificationTests {
    typealias FullStore = MetricStore & RollupStore & OrganizationStore & AlertStore & NotificationStore & AnomalyStore & AnomalyLeaseStore & InsightStore & RecommendationStore & StoreLifecycle

    static func withStore(_ backend: NotifyBackend, _ body: (any FullStore) async throws -> Void) async throws {
        switch backend {
        case .memory:
            try await body(InMemoryStore())
        case .sqlite:
            let directory = FileManager.default.temporaryDirectory.appendingPathComponent("churnguard-serve-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(at: directory) }
            try await body(try SQLiteStore(path: directory.appendingPathComponent("serve.sqlite").path))
        case .postgres:
            try await TemporaryPostgresDatabase.with(maximumConnections: 8) { store, _ in try await body(store) }
        }
    }

    /// What a serve-wiring test works with: the store, an organization with its key's JSON
    /// headers, and the application as `serve` builds it with the delivery service running.
    struct Served {
        let store: any FullStore
        let organization: OrganizationID
        let headers: HTTPFields
        let built: ApplicationBuilder.Built
    }

    /// Builds serve's application over a fresh, migrated store of `backend` (with `configure`
    /// applied to a loopback configuration) and runs `body` against it over HTTP.
    static func withServed(_ backend: NotifyBackend, configure: (inout AppConfiguration) -> Void = { _ in },
                           _ body: @escaping @Sendable (Served, any TestClientProtocol) async throws -> Void) async throws {
        try await withStore(backend) { store in
            _ = try await store.migrate()
            let created = try await OrganizationAdmin(store: store).createOrganization(name: "acme", tier: .default)
            var configuration = AppConfiguration()
            configuration.host = "127.0.0.1"
            configuration.port = 0
            configure(&configuration)
            let delivery = NotificationComposition.deliveryService(configuration, store: store, logger: Fixtures.logger,
                                                                   metricsFactory: NOOPMetricsHandler.instance)
            let built = try await ApplicationBuilder.build(configuration: configuration, backends: .single(store, name: backend.rawValue),
                                                           logger: Fixtures.logger, backgroundServices: [delivery])
            var headers: HTTPFields = [:]
            headers[HTTPField.Name("X-API-Key")!] = created.apiKey
            headers[.contentType] = "application/json"
            let served = Served(store: store, organization: created.organization.id, headers: headers, built: built)
            try await built.application.test(.live) { client in try await body(served, client) }
        }
    }

    @Test("with SLACK_WEBHOOK_URL alone, an alert raised by ingested points reaches Slack once", arguments: NotifyBackend.durable)
    func slackFromIngest(_ backend: NotifyBackend) async throws {
        let receiver = try await WebhookReceiver()
        defer { Task { await receiver.stop() } }
        try await Self.withServed(backend, configure: { $0.notifications.slackWebhookURL = receiver.url("/services/T000/B000/secret") }) { served, client in
            let headers = served.headers
            let now = Int(Date().timeIntervalSince1970) - 120
            let points = (0..<3).map { index in
                #"{"metric_name":"churn_risk_score","timestamp":\#(now + index * 10),"value":0.9\#(index + 1),"tags":{"customer_id":"c-17","segment":"smb"}}"#
            }
            let ingest = try await client.execute(uri: "/api/v1/analytics/metrics", method: .post, headers: headers,
                                                  body: ByteBuffer(string: #"{"points":[\#(points.joined(separator: ","))]}"#))
            #expect(ingest.status == .ok)
            for _ in 0..<3000 where receiver.received.isEmpty { try await Task.sleep(for: .milliseconds(20)) }
            try await Task.sleep(for: .milliseconds(1500))
            let received = receiver.received
            #expect(received.count == 1, "one message per transition, not per point: \(received.count)")
            let text = String(decoding: received.first?.body ?? [], as: UTF8.self)
            #expect(text.contains("churn_risk_score firing for customer c-17"), "\(text)")
            #expect(received.first?.path == "/services/T000/B000/secret")
            let listed = try await client.execute(uri: "/api/v1/notifications/deliveries?state=delivered", method: .get, headers: headers)
            let body = try JSONSerialization.jsonObject(with: Data(buffer: listed.body)) as? [String: Any]
            let deliveries = body?["deliveries"] as? [[String: Any]] ?? []
            #expect(deliveries.count == 1 && deliveries.first?["route_id"] as? String == "default-slack", "\(String(buffer: listed.body))")
        }
    }
}
