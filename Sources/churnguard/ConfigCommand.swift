import ArgumentParser
import ChurnGuardBootstrap
import Foundation

/// `churnguard config show|template`: the effective configuration (secrets redacted) and
/// the files generated from the key declarations.
struct ConfigCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "config", abstract: "Show the effective configuration, or print a generated configuration file.",
        subcommands: [Show.self, Template.self])

    /// `config show`: every key's effective value and where it came from.
    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Print every key's effective value and its source; secrets are shown as <redacted>.")

        @OptionGroup var storeOptions: StoreOptions

        func run() async throws {
            try await reportingErrors {
                let values = try ConfigValues.load(configFile: storeOptions.config ?? "config/analytics.yaml",
                                                   required: storeOptions.config != nil)
                let configuration = try AppConfiguration(values: values)
                for line in configuration.effectiveSettings() {
                    print("\(line.key) = \(line.value)  (\(line.source))")
                }
                for warning in configuration.pendingSettingWarnings { print("warning: \(warning)") }
            }
        }
    }

    /// `config template yaml|env|markdown`: a file generated from the declarations.
    struct Template: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Print config/analytics.yaml (yaml), .env.example (env) or the key reference of docs/CONFIGURATION.md (markdown).")

        @Argument(help: "yaml, env or markdown")
        var format: String

        func run() async throws {
            try await reportingErrors {
                switch format {
                case "yaml": print(ConfigTemplates.yaml(), terminator: "")
                case "env": print(ConfigTemplates.envExample(), terminator: "")
                case "markdown": print(ConfigTemplates.markdown(), terminator: "")
                default: throw ValidationError("format must be yaml, env or markdown")
                }
            }
        }
    }
}
