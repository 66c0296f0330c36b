import ArgumentParser
import ChurnGuardBootstrap
import Foundation

/// `churnguard ingest --org ID FILE`: bulk-loads CSV or JSON Lines.
struct IngestCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ingest",
        abstract: "Bulk-load a CSV (timestamp,metric_name,value[,tag columns…]) or JSON Lines file.",
        discussion: "The whole file is validated before anything is stored; an error names the line.")

    @OptionGroup var storeOptions: StoreOptions
    @Option(help: "Organization id.") var org: String
    @Argument(help: "CSV or JSON Lines file.") var file: String

    func run() async throws {
        let organization = try parseOrganization(org)
        try await reportingErrors {
            let runtime = try await Runtime.open(configPath: storeOptions.config)
            let loader = BulkIngest(store: runtime.backends.points, limits: runtime.configuration.validation)
            let count = try await loader.load(path: file, organization: organization) { done, total in
                showProgress("ingested \(done)/\(total) points", done: done == total)
            }
            print("ingested \(count) points")
        }
    }
}
