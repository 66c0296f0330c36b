import ArgumentParser
import ChurnGuardBootstrap
import ChurnGuardCore
import Foundation

/// `churnguard migrate [--status]`: applies or lists schema migrations. Idempotent.
struct MigrateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "migrate", abstract: "Apply (or with --status, list) schema migrations for the configured backend.")

    @OptionGroup var storeOptions: StoreOptions

    @Flag(help: "List applied and pending migrations without applying any.")
    var status = false

    func run() async throws {
        try await reportingErrors {
            let runtime = try await Runtime.open(configPath: storeOptions.config, migrate: false)
            if !status {
                let applied = try await runtime.backends.lifecycle.migrate()
                print(applied.isEmpty ? "schema is up to date" : applied.map { "applied \($0)" }.joined(separator: "\n"))
            }
            let report = try await runtime.backends.lifecycle.migrationStatus()
            print("backend: \(report.backend), database version: \(report.databaseVersion)")
            for entry in report.entries {
                let state = entry.appliedAt.map { "applied \(Timestamp($0).description)" } ?? "pending"
                print("  \(entry.version) \(entry.name): \(state)")
            }
        }
    }
}
