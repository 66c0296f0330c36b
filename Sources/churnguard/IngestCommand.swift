import ArgumentParser
import ChurnGuardBootstrap
import ChurnGuardCore
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
    @Option(help: "Makes the load safe to repeat: run again with the same key after a failure and every point is stored exactly once (keys last api.idempotency_key_ttl).")
    var idempotencyKey: String?

    func run() async throws {
        let organization = try parseOrganization(org)
        try await reportingErrors {
            let runtime = try await Runtime.open(configPath: storeOptions.config)
            let loader = BulkIngest(store: runtime.backends.points, limits: runtime.configuration.validation)
            if let key = idempotencyKey, key.isEmpty || key.utf8.count > 200 || !key.utf8.allSatisfy({ $0 >= 0x21 && $0 <= 0x7E }) {
                throw ServiceError(.validation, code: "invalid_idempotency_key",
                                   message: "--idempotency-key must be 1–200 printable ASCII characters without spaces")
            }
            let result = try await loader.load(path: file, organization: organization, idempotencyKey: idempotencyKey) { done, total in
                showProgress("ingested \(done)/\(total) points", done: done == total)
            }
            print(result.alreadyStored > 0
                  ? "ingested \(result.stored) points (\(result.alreadyStored) were already stored under this idempotency key)"
                  : "ingested \(result.stored) points")
        }
    }
}
