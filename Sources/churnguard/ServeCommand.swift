import ArgumentParser
import ChurnGuardBootstrap
import ChurnGuardCore
import Foundation
import Hummingbird

/// `churnguard serve`: the HTTP API and, unless `--no-worker`, the background services.
struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve", abstract: "Run the API on API_HOST:API_PORT (default 0.0.0.0:8000).")

    @OptionGroup var storeOptions: StoreOptions

    @Flag(help: "Seed the demo organization first (idempotent) and print an API key for it.")
    var demo = false

    @Flag(help: "Do not run the background services (aggregation, retention, maintenance, anomaly monitor) in-process.")
    var noWorker = false

    @Option(help: "Override api.host.") var host: String?
    @Option(help: "Override api.port.") var port: Int?

    func run() async throws {
        try await reportingErrors {
            var overrides: [String: String] = [:]
            if let host { overrides["api.host"] = host }
            if let port { overrides["api.port"] = String(port) }
            let runtime = try await Runtime.open(configPath: storeOptions.config, overrides: overrides)
            try runtime.configuration.validateForServing()
            try await runtime.backends.lifecycle.checkReady()
            var seeded: DemoSeeder.Result?
            if demo {
                let result = try await DemoSeeder(backends: runtime.backends).seed { day, days in
                    showProgress("seeding demo data: day \(day)/\(days)", done: day == days)
                }
                printDemoBanner(result, configuration: runtime.configuration)
                // The rollups and then the monitor catch up on the seeded history before anything
                // else runs, so the planted incidents are stored anomalies (segment-wide ones at
                // the segment level) when the API answers, and retention, which deletes raw points
                // older than its period, cannot race it.
                if result.pointsLoaded > 0, !noWorker, runtime.configuration.anomalyMonitorEnabled {
                    showProgress("anomaly monitor: catching up on the demo history", done: false)
                    if let report = try await BackgroundServices.catchUpAnomalies(configuration: runtime.configuration,
                                                                                  backends: runtime.backends, logger: runtime.logger) {
                        showProgress("anomaly monitor: \(report.created) anomalies in \(report.series) series", done: true)
                    }
                }
                seeded = result
            }
            // The worker's services run in-process unless --no-worker (replicas behind a
            // dedicated `churnguard worker`); concurrent workers are safe on every backend.
            let metrics = ApplicationBuilder.processMetrics(runtime.configuration)
            // One bus for the API and the in-process worker: anomalies the monitor finds go
            // out on the stream.
            let bus = ApplicationBuilder.eventBus(metrics: metrics)
            let background = noWorker ? [] : BackgroundServices.make(
                configuration: runtime.configuration, backends: runtime.backends, logger: runtime.logger, metrics: metrics?.service, bus: bus)
            let built = try await ApplicationBuilder.build(configuration: runtime.configuration, backends: runtime.backends,
                                                           logger: runtime.logger, eventBus: bus, backgroundServices: background,
                                                           metrics: metrics, insightSchedule: !noWorker)
            if let seeded {
                // The demo's insights are ready when the API opens: rollups first (trends and
                // leading indicators read them), then one generation run.
                _ = try await BackgroundServices.rollUpOnce(runtime)
                let run = try await built.insights.run(organization: seeded.organization.id, asOf: Timestamp(Date()))
                print("demo insights: \(run.insights.count) (GET /api/v1/insights)")
                // Then the recommendations the playbook makes of them, anomalies and alerts.
                let recommendations = try await built.recommendations.run(organization: seeded.organization.id, asOf: Timestamp(Date()))
                print("demo recommendations: \(recommendations.recommendations.count) (GET /api/v1/recommendations)")
            }
            NotificationComposition.alertOperatorOnErrors(runtime.configuration, outbox: built.outbox)
            try await built.runService()
            await runtime.close()
        }
    }

    private func printDemoBanner(_ result: DemoSeeder.Result, configuration: AppConfiguration) {
        let host = configuration.host == "0.0.0.0" ? "127.0.0.1" : configuration.host
        let base = "http://\(host):\(configuration.port)"
        let header = configuration.apiKeyHeader
        // Written unbuffered: under systemd or a test, standard output is a pipe.
        let banner = """
            Demo organization \(result.organization.id) (\(result.pointsLoaded > 0 ? "seeded \(result.pointsLoaded) points" : "already seeded")).
            API key (shown once): \(result.apiKey)
            Dashboard: \(base)/  (sign in with the key above)
            Try:
              curl -s -H '\(header): \(result.apiKey)' \(base)/api/v1/analytics/metrics
              curl -s -H '\(header): \(result.apiKey)' '\(base)/api/v1/analytics/alerts?state=firing'
              curl -s -H '\(header): \(result.apiKey)' '\(base)/api/v1/analytics/alerts?metric=support_tickets'
              curl -s -H '\(header): \(result.apiKey)' \(base)/api/v1/recommendations
            """
        FileHandle.standardOutput.write(Data((banner + "\n").utf8))
    }
}
