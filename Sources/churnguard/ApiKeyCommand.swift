import ArgumentParser
import ChurnGuardBootstrap
import ChurnGuardCore
import ChurnGuardEngine
import Foundation

/// `churnguard apikey create|list|revoke`.
struct ApiKeyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "apikey", abstract: "Manage API keys (stored hashed; shown once).",
        subcommands: [Create.self, List.self, Revoke.self])

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Mint a key for an organization; prints JSON with the key.")
        @OptionGroup var storeOptions: StoreOptions
        @Option(help: "Organization id.") var org: String
        @Option(help: "Tier of the key (default: the organization's).") var tier: Tier?
        @Option(help: "A label for the key.") var name: String?
        @Option(help: "What the key may do: some of ingest,read,admin (default: all three).") var scopes: String?

        struct Output: Encodable {
            let key_id: String
            let organization_id: String
            let tier: String
            let scopes: [String]
            let api_key: String
        }

        func run() async throws {
            let organization = try parseOrganization(org)
            try await reportingErrors {
                let granted = try scopes.map { text throws(ServiceError) in try Scope.parseList(text, field: "--scopes") } ?? Scope.all
                let runtime = try await Runtime.open(configPath: storeOptions.config)
                let minted = try await OrganizationAdmin(store: runtime.backends.identity)
                    .createKey(organization: organization, tier: tier, name: name, scopes: granted)
                print(jsonLine(Output(key_id: minted.record.id, organization_id: organization.description,
                                      tier: minted.record.tier.rawValue, scopes: minted.record.scopes.sorted().map(\.rawValue),
                                      api_key: minted.apiKey)))
            }
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List an organization's keys as JSON (no secrets).")
        @OptionGroup var storeOptions: StoreOptions
        @Option(help: "Organization id.") var org: String

        struct Output: Encodable {
            let api_keys: [ApiKeySummary]
        }

        func run() async throws {
            let organization = try parseOrganization(org)
            try await reportingErrors {
                let runtime = try await Runtime.open(configPath: storeOptions.config)
                let keys = try await OrganizationAdmin(store: runtime.backends.identity).listKeys(organization: organization)
                print(jsonLine(Output(api_keys: keys.map(ApiKeySummary.init))))
            }
        }
    }

    struct Revoke: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Revoke a key by its id; a running service stops accepting it (and its tokens) within security.key_cache_ttl_seconds.")
        @OptionGroup var storeOptions: StoreOptions
        @Argument(help: "The key id (the part after 'cg_').") var keyID: String

        func run() async throws {
            try await reportingErrors {
                let runtime = try await Runtime.open(configPath: storeOptions.config)
                try await OrganizationAdmin(store: runtime.backends.identity).revokeKey(id: keyID)
                print("revoked \(keyID)")
            }
        }
    }
}
