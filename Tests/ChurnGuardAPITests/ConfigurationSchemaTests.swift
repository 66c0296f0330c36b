import ChurnGuardBootstrap
import Foundation
import Testing

/// The key declarations are the single source of configuration: the shipped files, reading,
/// unknown-key refusal, redaction and the warnings for keys not acted on yet all follow them.
@Suite("Configuration schema")
struct ConfigurationSchemaTests {
    /// The repository's root, from this file's path.
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    func text(_ relativePath: String) throws -> String {
        try String(contentsOf: Self.root.appendingPathComponent(relativePath), encoding: .utf8)
    }

    func load(yaml: String? = nil, environment: [String: String] = [:]) throws -> AppConfiguration {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("churnguard-config-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let file = directory.appendingPathComponent("analytics.yaml")
        if let yaml { try yaml.write(to: file, atomically: true, encoding: .utf8) }
        let values = try ConfigValues.load(configFile: file.path, required: yaml != nil, dotEnvFile: nil, environment: environment)
        return try AppConfiguration(values: values)
    }

    @Test("config/analytics.yaml, .env.example and docs/CONFIGURATION.md are generated from the declarations")
    func filesMatchDeclarations() throws {
        #expect(try text("config/analytics.yaml") == ConfigTemplates.yaml(), "run: churnguard config template yaml > config/analytics.yaml")
        #expect(try text(".env.example") == ConfigTemplates.envExample(), "run: churnguard config template env > .env.example")
        let docs = try text("docs/CONFIGURATION.md")
        let begin = try #require(docs.range(of: "<!-- BEGIN generated: churnguard config template markdown -->\n"))
        let end = try #require(docs.range(of: "<!-- END generated -->"))
        #expect(String(docs[begin.upperBound..<end.lowerBound]) == ConfigTemplates.markdown(),
                "regenerate the table in docs/CONFIGURATION.md with: churnguard config template markdown")
    }

    @Test("every declared key appears once in each generated file")
    func everyKeyListed() throws {
        let yaml = ConfigTemplates.yaml()
        let env = ConfigTemplates.envExample()
        let markdown = ConfigTemplates.markdown()
        #expect(Set(ConfigSchema.all.map(\.path)).count == ConfigSchema.all.count, "a key is declared twice")
        for setting in ConfigSchema.all {
            let leaf = String(setting.path.split(separator: ".").last ?? "")
            #expect(yaml.contains("\n" + String(repeating: "  ", count: setting.path.split(separator: ".").count - 1) + leaf + ": "), "\(setting.path) in YAML")
            #expect(env.contains("# \(setting.aliases.last ?? setting.snakeVariable)="), "\(setting.path) in .env.example")
            #expect(markdown.contains("| `\(setting.path)` |"), "\(setting.path) in the reference")
        }
    }

    @Test("the shipped YAML reads as the built-in defaults, with no warnings")
    func shippedYAMLIsDefaults() throws {
        let shipped = try load(yaml: try text("config/analytics.yaml"))
        let defaults = try load()
        #expect(shipped.effectiveSettings().map(\.value) == defaults.effectiveSettings().map(\.value))
        #expect(shipped.pendingSettingWarnings.isEmpty, "\(shipped.pendingSettingWarnings)")
        #expect(defaults.validation.maxPointAgeSeconds == Int64(3650 * 86_400))
    }

    @Test("the guide's variable names and the snake-case names both set a key; the guide's wins")
    func variables() throws {
        #expect(try load(environment: ["ANALYTICS_DB_BACKEND": "memory"]).backend == .memory)
        #expect(try load(environment: ["DATABASE_BACKEND": "memory"]).backend == .memory)
        #expect(try load(environment: ["DATABASE_BACKEND": "memory", "ANALYTICS_DB_BACKEND": "sqlite"]).backend == .sqlite)
        #expect(try load(environment: ["API_MAX_BATCH_POINTS": "5"]).validation.maxBatchPoints == 5)
    }

    @Test("an unknown key or a bad value names the key and its source")
    func refusals() throws {
        let unknown = try #require(throws: ConfigError.self) { _ = try load(yaml: "api:\n  prot: 80\n") }
        #expect(unknown.key == "api.prot")
        #expect(unknown.description.contains("unknown key"))
        let bad = try #require(throws: ConfigError.self) { _ = try load(environment: ["API_PORT": "eighty"]) }
        #expect(bad.key == "api.port" && bad.source == "environment variable API_PORT")
        // A key of a feature not built yet is still checked.
        let pending = try #require(throws: ConfigError.self) { _ = try load(environment: ["REDIS_SOCKET_TIMEOUT": "0"]) }
        #expect(pending.key == "redis.socket_timeout")
    }

    @Test("secrets are never shown")
    func redaction() throws {
        let secret = "s3cr3t-" + String(repeating: "k", count: 40)
        let configuration = try load(environment: [
            "JWT_SECRET_KEY": secret, "TIMESCALEDB_URL": "postgresql://u:\(secret)@db/x", "SMTP_PASSWORD": secret,
        ])
        let shown = configuration.effectiveSettings()
        #expect(!shown.contains { $0.value.contains(secret) })
        #expect(shown.first { $0.key == "security.jwt_secret_key" }?.value == "<redacted>")
        #expect(shown.first { $0.key == "database.timescaledb.url" }?.value == "<redacted>")
        #expect(!configuration.pendingSettingWarnings.joined().contains(secret))
    }

    @Test("a key not acted on yet warns when set to a non-default value, and only then")
    func pendingWarnings() throws {
        let set = try load(environment: ["INFLUXDB_ORG": "acme", "REDIS_URL": "redis://localhost:6379/0"])
        let warnings = set.pendingSettingWarnings
        #expect(warnings.count == 2, "\(warnings)")
        #expect(warnings.contains { $0.hasPrefix("database.influxdb.org is set (environment variable INFLUXDB_ORG)") })
        #expect(warnings.contains { $0.hasPrefix("redis.url is set") && !$0.contains("6379") })
        #expect(try load(environment: ["API_WORKERS": "4"]).pendingSettingWarnings.isEmpty, "the default value is not a change")
        #expect(try load(environment: ["API_PORT": "9000"]).pendingSettingWarnings.isEmpty, "an implemented key never warns")
        #expect(try load(environment: ["RECOMMENDATIONS_ENABLED": "false", "MAX_RECOMMENDATIONS": "7"]).pendingSettingWarnings.isEmpty,
                "recommendations are built")
        #expect(try load(environment: ["CORS_ORIGINS": "https://app.example.com"]).pendingSettingWarnings.isEmpty, "CORS is built")
    }
}
