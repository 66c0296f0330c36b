import ChurnGuardBootstrap
import ChurnGuardCore
import ChurnGuardEngine
import ChurnGuardStorage
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import StoragePostgresTesting
import StorageSQLite
import Testing

/// A store serving every role, as each backend under test does.
typealias FullStore = MetricStore & RollupStore & OrganizationStore & AlertStore & NotificationStore & AnomalyStore & AnomalyLeaseStore & InsightStore & RecommendationStore
    & StoreLifecycle

/// Backends the HTTP tests run against.
enum TestBackend: String, CaseIterable, Sendable {
    case memory, sqlite, postgres

    /// The backends this run covers: PostgreSQL when a test server is configured, and always
    /// under `CI=true` (where a missing server then fails the tests rather than skipping them).
    static var available: [TestBackend] {
        TemporaryPostgresDatabase.enabled ? allCases : [.memory, .sqlite]
    }

    /// The durable backends of this run: SQLite, and PostgreSQL as in ``available``.
    static var durable: [TestBackend] { available.filter { $0 != .memory } }

    /// Runs `body` with a fresh, migrated store of this backend, removed afterwards.
    func withStore(_ body: (any FullStore) async throws -> Void) async throws {
        switch self {
        case .memory:
            try await body(InMemoryStore())
        case .sqlite:
            let directory = FileManager.default.temporaryDirectory.appendingPathComponent("churnguard-api-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(at: directory) }
            try await body(try SQLiteStore(path: directory.appendingPathComponent("api.sqlite").path))
        case .postgres:
            try await TemporaryPostgresDatabase.with(maximumConnections: 8) { store, _ in try await body(store) }
        }
    }
}

/// An application over a real socket (`.live`), with two organizations and a key each.
struct APITestHarness {
    let store: any FullStore
    let keyA: String
    let keyB: String
    let organizationA: OrganizationID
    let organizationB: OrganizationID
    let configuration: AppConfiguration
    /// The application's event bus (the pipeline publishes committed groups on it).
    let bus: any EventBus
    /// Every route of the application, as `METHOD /template`.
    var routes: [String] = []
    /// The application's recommendation runner (its rules come from the configuration).
    var recommendations: RecommendationRunner?

    /// Runs `body` against a live server on a free loopback port, cleaning up afterwards.
    static func run(
        backend: TestBackend = .sqlite,
        configure: (inout AppConfiguration) -> Void = { _ in },
        metrics: PrometheusMetrics? = nil,
        logger custom: Logger? = nil,
        _ body: @Sendable (APITestHarness, any TestClientProtocol) async throws -> Void
    ) async throws {
        var configuration = AppConfiguration()
        configuration.host = "127.0.0.1"
        configuration.port = 0
        // The test client holds one connection, opened as the server starts. In a loaded run
        // its first request can come after the 10 s header deadline (a stream test connects
        // its WebSocket clients first), or a later one after the 60 s idle timeout, and the
        // server would close it under the test ("I/O on closed channel"). The tests of those
        // deadlines set their own (ConnectionTimeoutTests).
        configuration.headerReadTimeoutSeconds = 600
        configuration.idleTimeoutSeconds = 600
        configure(&configuration)
        try await backend.withStore { store in
            _ = try await store.migrate()
            let admin = OrganizationAdmin(store: store)
            let a = try await admin.createOrganization(name: "org-a", tier: .default)
            let b = try await admin.createOrganization(name: "org-b", tier: .premium)
            let bus = InProcessEventBus()
            var harness = APITestHarness(store: store, keyA: a.apiKey, keyB: b.apiKey, organizationA: a.organization.id,
                                         organizationB: b.organization.id, configuration: configuration, bus: bus)
            var logger = Logger(label: "api-test")
            logger.logLevel = .warning
            let built = try await ApplicationBuilder.build(configuration: configuration, backends: .single(store, name: backend.rawValue),
                                                           logger: custom ?? logger, eventBus: bus, metrics: metrics)
            harness.routes = built.routes
            harness.recommendations = built.recommendations
            let ready = harness
            try await built.application.test(.live) { client in
                try await body(ready, client)
            }
        }
    }
}

/// Request helpers.
extension TestClientProtocol {
    func send(_ method: HTTPRequest.Method, _ uri: String, key: String?, json: String? = nil) async throws -> TestResponse {
        var headers: HTTPFields = [:]
        if let key { headers[HTTPField.Name("X-API-Key")!] = key }
        if json != nil { headers[.contentType] = "application/json" }
        return try await execute(uri: uri, method: method, headers: headers, body: json.map { ByteBuffer(string: $0) })
    }

    /// Sends with `Authorization: Bearer <token>`.
    func send(_ method: HTTPRequest.Method, _ uri: String, bearer token: String, json: String? = nil) async throws -> TestResponse {
        var headers: HTTPFields = [:]
        headers[.authorization] = "Bearer \(token)"
        if json != nil { headers[.contentType] = "application/json" }
        return try await execute(uri: uri, method: method, headers: headers, body: json.map { ByteBuffer(string: $0) })
    }
}

extension TestResponse {
    /// The body parsed as a JSON object.
    var json: [String: Any] {
        get throws {
            let data = Data(buffer: body)
            return try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any], "body: \(String(buffer: body))")
        }
    }

    /// `error.code` of an error body.
    var errorCode: String? { (try? json["error"] as? [String: Any])?["code"] as? String }
}

/// A JSON batch of `count` points of `metric`, one minute apart.
func batch(_ metric: String = "churn_risk_score", count: Int, start: Int = 1_795_939_200, tags: String = #"{"segment":"smb"}"#) -> String {
    let points = (0..<count).map { index in
        #"{"metric_name":"\#(metric)","timestamp":\#(start + index * 60),"value":\#(Double(index) / 10),"tags":\#(tags)}"#
    }
    return #"{"points":[\#(points.joined(separator: ","))]}"#
}
