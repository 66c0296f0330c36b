import ArgumentParser
import ChurnGuardBootstrap
import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// `churnguard health [--url URL]`: checks a running service, one line per part.
struct HealthCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "health",
        abstract: "Check a running service's API and database; exit 0 only when all are healthy.")

    @Option(help: "Base URL of the service (default: http://127.0.0.1:API_PORT).")
    var url: String?

    @OptionGroup var storeOptions: StoreOptions

    @Option(help: "Seconds to wait for each answer.")
    var timeout: Double = 5

    func run() async throws {
        var base = url
        if base == nil {
            let values = try? ConfigValues.load(configFile: storeOptions.config ?? "config/analytics.yaml", required: false)
            let port = values.flatMap { try? AppConfiguration(values: $0).port } ?? 8000
            base = "http://127.0.0.1:\(port)"
        }
        let root = (base ?? "").hasSuffix("/") ? String((base ?? "").dropLast()) : (base ?? "")
        var healthy = true
        let health = await fetch("\(root)/health")
        if let health, health.status == 200 {
            print("API: healthy (\(root))")
            let database = (health.json?["services"] as? [String: Any])?["database"] as? String ?? "unknown"
            let backend = (health.json?["services"] as? [String: Any])?["database_backend"] as? String ?? "?"
            print("Database: \(database) (\(backend))")
            healthy = database == "healthy"
        } else {
            print("API: unhealthy (\(root): \(health.map { "HTTP \($0.status)" } ?? "no answer"))")
            print("Database: unknown")
            healthy = false
        }
        let ready = await fetch("\(root)/ready")
        print("Ready: \(ready?.status == 200 ? "yes" : "no")")
        print("Redis: not configured")
        if !(healthy && ready?.status == 200) { throw ExitCode.failure }
    }

    private struct Answer {
        let status: Int
        let json: [String: Any]?
    }

    private func fetch(_ address: String) async -> Answer? {
        guard let target = URL(string: address) else { return nil }
        var request = URLRequest(url: target)
        request.timeoutInterval = timeout
        guard let (data, response) = try? await URLSession.shared.data(for: request),
              let http = response as? HTTPURLResponse
        else { return nil }
        return Answer(status: http.statusCode, json: (try? JSONSerialization.jsonObject(with: data)) as? [String: Any])
    }
}
