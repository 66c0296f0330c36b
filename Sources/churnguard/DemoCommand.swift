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
            print(jsonLine(Output(organization_id: result.organization.id.description, api_key: result.apiKey,
                                  points_loaded: result.pointsLoaded)))
        }
    }
}
