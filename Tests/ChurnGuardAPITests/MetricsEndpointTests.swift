import ChurnGuardBootstrap
import ChurnGuardCore
import ChurnGuardEngine
import ChurnGuardStorage
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import NIOCore
import Testing

/// `GET /metrics` over HTTP: the guide's series with route templates as labels, the ingest
/// and limiter counters, the off switch and the separate port. Each test hands the
/// application a registry of its own, so parallel tests never see each other's counts.
@Suite struct MetricsEndpointTests {
    static func scrape(_ client: some TestClientProtocol) async throws -> PrometheusExposition {
        let response = try await client.send(.get, "/metrics", key: nil)
        #expect(response.status == .ok)
        #expect(response.headers[.contentType]?.hasPrefix("text/plain; version=0.0.4") == true)
        return PrometheusExposition(String(buffer: response.body))
    }

    @Test(arguments: TestBackend.durable)
    func requestsAreCountedByRouteTemplateNeverByRawPath(backend: TestBackend) async throws {
        let metrics = PrometheusMetrics.isolated()
        try await APITestHarness.run(backend: backend, metrics: metrics) { harness, client in
            #expect(try await client.send(.post, "/api/v1/analytics/metrics", key: harness.keyA, json: batch(count: 3)).status == .ok)
            #expect(try await client.send(.get, "/api/v1/analytics/metrics/churn_risk_score/points", key: harness.keyA).status == .ok)
            #expect(try await client.send(.get, "/api/v1/analytics/metrics/secret_raw_name/points", key: harness.keyA).status == .ok)
            #expect(try await client.send(.get, "/no/such/path/abc123", key: nil).status == .notFound)
            #expect(try await client.send(.get, "/api/v1/analytics/metrics", key: "cg_bad_key").status == .unauthorized)

            let exposition = try await Self.scrape(client)
            let template = "/api/v1/analytics/metrics/{name}/points"
            #expect(exposition.value("churnguard_requests_total", ["method": "POST", "endpoint": "/api/v1/analytics/metrics", "status": "200"]) == 1)
            #expect(exposition.value("churnguard_requests_total", ["method": "GET", "endpoint": template, "status": "200"]) == 2)
            #expect(exposition.value("churnguard_requests_total", ["endpoint": "unmatched", "status": "404"]) == 1)
            #expect(exposition.value("churnguard_requests_total", ["endpoint": "/api/v1/analytics/metrics", "status": "401"]) == 1)
            #expect(exposition.value("churnguard_request_duration_seconds_count", ["method": "GET", "endpoint": template]) == 2)
            // Neither raw path values nor unknown paths become label values.
            #expect(!exposition.text.contains("secret_raw_name"))
            #expect(!exposition.text.contains("abc123"))
            #expect(!exposition.text.contains(harness.keyA))

            // Ingest: accepted points, the group commit's size, the queue and the insert's duration.
            #expect(exposition.value("churnguard_ingest_points_accepted_total") == 3)
            #expect(exposition.value("churnguard_ingest_group_commit_points_count") == 1)
            #expect(exposition.value("churnguard_ingest_group_commit_points_sum") == 3)
            #expect(exposition.value("churnguard_ingest_queue_depth_points") == 0)
            #expect(exposition.value("churnguard_database_query_duration_seconds_count", ["query_type": "insert_points"]) == 1)
            #expect(exposition.value("churnguard_database_query_duration_seconds_count", ["query_type": "select_points"]) == 2)
            #expect(exposition.value("churnguard_api_key_cache_total", ["result": "miss"]) != nil)
            #expect(exposition.value("churnguard_active_connections") != nil)
        }
    }

    @Test func validationRefusalsAndLimiterRefusalsAreCounted() async throws {
        let metrics = PrometheusMetrics.isolated()
        try await APITestHarness.run(configure: { $0.rateLimits[.default] = ConfigRate(count: 2, windowSeconds: 3600) },
                                     metrics: metrics) { harness, client in
            let invalid = #"{"points":[{"metric_name":"m","timestamp":1795939200,"value":"x"},{"metric_name":"m","timestamp":1795939200,"value":1}]}"#
            #expect(try await client.send(.post, "/api/v1/analytics/metrics", key: harness.keyA, json: invalid).status == .unprocessableContent)
            _ = try await client.send(.get, "/api/v1/analytics/metrics", key: harness.keyA)
            #expect(try await client.send(.get, "/api/v1/analytics/metrics", key: harness.keyA).status == .tooManyRequests)
            let exposition = try await Self.scrape(client)
            #expect((exposition.value("churnguard_ingest_points_rejected_total", ["reason": "validation"]) ?? 0) >= 1)
            #expect(exposition.value("churnguard_rate_limited_total") == 1)
            #expect(exposition.value("churnguard_query_concurrency_refusals_total") == 0)
            #expect(exposition.value("churnguard_requests_total", ["status": "429"]) == 1)
        }
    }

    @Test func workerAndBusSeriesAppearInTheHandedRegistry() async throws {
        let metrics = PrometheusMetrics.isolated()
        let store = InMemoryStore()
        _ = try await store.migrate()
        let services = BackgroundServices.make(configuration: AppConfiguration(), backends: .single(store, name: "memory"),
                                               logger: Logger(label: "test"), metrics: metrics.service)
        let aggregation = try #require(services.first as? AggregationService<ContinuousClock>)
        _ = try await aggregation.runOnce()
        let bus = InProcessEventBus(metricsFactory: metrics.service.factory)
        let subscription = bus.subscribe("slow-consumer", bufferCapacity: 1)
        for sequence in 1...3 { bus.publish(.pointsCommitted(CommittedPoints(sequence: UInt64(sequence), batches: []))) }

        let exposition = PrometheusExposition(String(decoding: metrics.exposition.render(), as: UTF8.self))
        #expect(exposition.value("churnguard_event_bus_dropped_total", ["subscriber": "slow-consumer"]) == 2)
        #expect(exposition.value("churnguard_rollup_buckets_rejected_total") == 0)
        #expect((exposition.value("churnguard_database_query_duration_seconds_count", ["query_type": "fold_rollups"]) ?? 0) >= 1)
        #expect(exposition.value("churnguard_worker_runs_total", ["service": "aggregation"]) == 0)
        #expect(exposition.value("churnguard_worker_failures_total", ["service": "retention"]) == 0)
        let lag = try #require(exposition.value("churnguard_rollup_lag_seconds"))
        #expect(lag >= 0 && lag < 60)
        _ = subscription
    }

    @Test func metricsCanBeTurnedOff() async throws {
        try await APITestHarness.run(configure: { $0.metricsEnabled = false }, metrics: .isolated()) { _, client in
            let metricsAnswer = try await client.send(.get, "/metrics", key: nil)
            let healthAnswer = try await client.send(.get, "/health", key: nil)
            #expect(metricsAnswer.status == .notFound)
            #expect(healthAnswer.status == .ok)
        }
    }

    @Test func metricsCanBeServedOnTheirOwnPort() async throws {
        let port = try FreePort.find()
        let metrics = PrometheusMetrics.isolated()
        try await APITestHarness.run(configure: { $0.metricsPort = port }, metrics: metrics) { harness, client in
            #expect(try await client.send(.get, "/metrics", key: nil).status == .notFound)
            _ = try await client.send(.get, "/api/v1/analytics/metrics", key: harness.keyA)
            let text = try await FreePort.get("http://127.0.0.1:\(port)/metrics")
            let exposition = PrometheusExposition(text)
            #expect(exposition.value("churnguard_requests_total", ["method": "GET", "endpoint": "/api/v1/analytics/metrics", "status": "200"]) == 1)
        }
    }
}
