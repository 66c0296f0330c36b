import ArgumentParser

/// `churnguard`: the service and its administration tools.
@main
struct ChurnGuardCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "churnguard",
        abstract: "ChurnGuard Analytics: churn signals in, anomalies, insights and actions out.",
        subcommands: [
            ServeCommand.self, WorkerCommand.self, MigrateCommand.self, OrgCommand.self, ApiKeyCommand.self,
            IngestCommand.self, DemoCommand.self, HealthCommand.self, DetectCommand.self, ConfigCommand.self,
        ]
    )
}
