import ArgumentParser
import ChurnGuardBootstrap

/// `churnguard demo`: seeds the demo organization and prints a key for it.
struct DemoCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo", abstract: "Seed the demo organization (45 days, 500 customers; idempotent) and print an API key.")

    @OptionGroup var storeOptions: StoreOptions
    @Option(help: "Days of history to generate.") var days = 45
    @Option(help: "Number of customers.") var customers = 500

    struct Output: Encodable {
        let organization_id: String
        let api_key: String
        let points_loaded: Int
        /// Anomalies the monitor stored while catching up on the history just loaded.
        let anomalies_found: Int
    }

    func run() async throws {
        try await reportingErrors {
            let runtime = try await Runtime.open(configPath: storeOptions.config)
            guard (1...366).contains(days), (1...100_000).contains(customers) else {
                throw ValidationError("--days must be 1–366 and --customers 1–100000")
            }
            let result = try await DemoSeeder(backends: runtime.backends).seed(days: days, customers: customers) { day, days in
                showProgress("seeding demo data: day \(day)/\(days)", done: day == days)
            }
            // The rollups and then the monitor catch up on the history just loaded, so the
            // planted incidents are stored anomalies (segment-wide ones at the segment level)
            // before any service (and retention) runs.
            var found = 0
            if result.pointsLoaded > 0, runtime.configuration.anomalyMonitorEnabled {
                showProgress("anomaly monitor: catching up on the demo history", done: false)
                found = try await BackgroundServices.catchUpAnomalies(configuration: runtime.configuration, backends: runtime.backends,
                                                                      logger: runtime.logger)?.created ?? 0
                showProgress("anomaly monitor: \(found) anomalies stored", done: true)
            }
            print(jsonLine(Output(organization_id: result.organization.id.description, api_key: result.apiKey,
                                  points_loaded: result.pointsLoaded, anomalies_found: found)))
        }
    }
}
