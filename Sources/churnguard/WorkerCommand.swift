import ArgumentParser
import ChurnGuardBootstrap

/// `churnguard worker`: the background services alone (rollups, retention, maintenance
/// statistics), beside a `serve --no-worker` or instead of the in-process ones.
struct WorkerCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "worker",
        abstract: "Run the background services: hourly/daily rollups, tiered retention, pipeline statistics.",
        discussion: """
            Runs until SIGTERM or SIGINT, then stops gracefully (exit 0): a rollup transaction in
            progress is committed whole or rolled back, never half. Several workers are safe:
            on SQLite the single writer serializes them, on PostgreSQL an advisory lock makes
            each point fold exactly once.
            """)

    @OptionGroup var storeOptions: StoreOptions

    @Flag(help: "Roll up everything pending once, print {\"points_rolled_up\",\"seconds\"} and exit (backfills, benchmarks).")
    var once = false

    func run() async throws {
        try await reportingErrors {
            let runtime = try await Runtime.open(configPath: storeOptions.config)
            try await runtime.backends.lifecycle.checkReady()
            do {
                if once {
                    let result = try await BackgroundServices.rollUpOnce(runtime)
                    print(jsonLine(["points_rolled_up": Double(result.points), "seconds": result.seconds]))
                } else {
                    try await BackgroundServices.runWorker(runtime)
                }
            } catch {
                await runtime.close()
                throw error
            }
            await runtime.close()
        }
    }
}
