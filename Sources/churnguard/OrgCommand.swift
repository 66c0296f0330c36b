import ArgumentParser
import ChurnGuardBootstrap
import ChurnGuardCore
import ChurnGuardEngine

/// `churnguard org create NAME [--tier …]`.
struct OrgCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "org", abstract: "Manage organizations.", subcommands: [Create.self])

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Create an organization and its first API key; prints JSON with the key (shown once).")

        @OptionGroup var storeOptions: StoreOptions
        @Argument(help: "Organization name (unique).") var name: String
        @Option(help: "default, premium or enterprise.") var tier: Tier = .default

        struct Output: Encodable {
            let organization_id: String
            let name: String
            let tier: String
            let api_key: String
        }

        func run() async throws {
            try await reportingErrors {
                let runtime = try await Runtime.open(configPath: storeOptions.config)
                let created = try await OrganizationAdmin(store: runtime.backends.identity).createOrganization(name: name, tier: tier)
                print(jsonLine(Output(organization_id: created.organization.id.description, name: created.organization.name,
                                      tier: created.organization.tier.rawValue, api_key: created.apiKey)))
            }
        }
    }
}
