public import Foundation
import Yams

/// Raw configuration values with where each came from, and typed, validating getters.
///
/// Layers, lowest priority first: built-in defaults, `config/analytics.yaml`, a `.env`
/// file in the working directory, then the process environment. Every error names the
/// layer (file or variable), the key and the problem.
public struct ConfigValues: Sendable {
    enum Raw: Sendable {
        case scalar(String)
        case list([String])
    }

    struct Entry: Sendable {
        let raw: Raw
        let source: String
    }

    private(set) var entries: [String: Entry] = [:]

    /// No values: every getter returns its default.
    public init() {}

    /// Loads the layers. A missing default file is fine; a missing explicit file is not.
    /// - Parameters:
    ///   - configFile: the YAML file.
    ///   - required: whether the file must exist (it was named with `--config`).
    ///   - dotEnvFile: a `KEY=value` file read when it exists.
    ///   - environment: the process environment.
    public static func load(
        configFile: String, required: Bool, dotEnvFile: String? = ".env",
        environment: [String: String] = ProcessInfo.processInfo.environment
    ) throws(ConfigError) -> ConfigValues {
        var values = ConfigValues()
        if FileManager.default.fileExists(atPath: configFile) {
            try values.mergeYAML(atPath: configFile)
        } else if required {
            throw ConfigError(source: configFile, key: "-", problem: "file not found")
        }
        if let dotEnvFile, FileManager.default.fileExists(atPath: dotEnvFile) {
            let text = (try? String(contentsOfFile: dotEnvFile, encoding: .utf8)) ?? ""
            values.mergeEnvironment(DotEnv.parse(text), sourcePrefix: "\(dotEnvFile) variable ")
        }
        values.mergeEnvironment(environment, sourcePrefix: "environment variable ")
        return values
    }

    /// Adds the keys of a YAML document; unknown keys are an error (they are usually typos).
    mutating func mergeYAML(atPath path: String) throws(ConfigError) {
        let text: String
        do { text = try String(contentsOfFile: path, encoding: .utf8) } catch {
            throw ConfigError(source: path, key: "-", problem: "cannot read file: \(error.localizedDescription)")
        }
        try mergeYAML(text, source: path)
    }

    /// Adds the keys of YAML text read from `source`.
    mutating func mergeYAML(_ text: String, source: String) throws(ConfigError) {
        let node: Node?
        do { node = try Yams.compose(yaml: text) } catch {
            throw ConfigError(source: source, key: "-", problem: "not valid YAML: \(error)")
        }
        guard let node else { return }
        guard case .mapping = node else {
            throw ConfigError(source: source, key: "-", problem: "the top level must be a mapping of sections")
        }
        try flatten(node, prefix: "", source: source)
    }

    private mutating func flatten(_ node: Node, prefix: String, source: String) throws(ConfigError) {
        switch node {
        case .mapping(let mapping):
            for (keyNode, value) in mapping {
                guard let key = keyNode.string else {
                    throw ConfigError(source: source, key: prefix, problem: "keys must be strings")
                }
                let path = prefix.isEmpty ? key : "\(prefix).\(key)"
                if case .mapping = value, !ConfigSchema.isKnown(path) || ConfigSchema.isFreeForm(path) {
                    guard ConfigSchema.isKnown(path) || ConfigSchema.isFreeForm(path) || Self.isSectionPrefix(path) else {
                        throw ConfigError(source: source, key: path, problem: "unknown key (see config/analytics.yaml for the accepted keys)")
                    }
                    try flatten(value, prefix: path, source: source)
                } else {
                    guard ConfigSchema.isKnown(path) else {
                        throw ConfigError(source: source, key: path, problem: "unknown key (see config/analytics.yaml for the accepted keys)")
                    }
                    entries[path] = Entry(raw: try Self.raw(value, source: source, key: path), source: source)
                }
            }
        default:
            entries[prefix] = Entry(raw: try Self.raw(node, source: source, key: prefix), source: source)
        }
    }

    private static func raw(_ node: Node, source: String, key: String) throws(ConfigError) -> Raw {
        switch node {
        case .scalar(let scalar):
            return .scalar(scalar.string)
        case .sequence(let sequence):
            var items: [String] = []
            for item in sequence {
                guard case .scalar(let scalar) = item else {
                    throw ConfigError(source: source, key: key, problem: "list items must be plain values")
                }
                items.append(scalar.string)
            }
            return .list(items)
        default:
            throw ConfigError(source: source, key: key, problem: "unsupported value")
        }
    }

    /// Whether `path` begins some declared key (a section such as `database.timescaledb`).
    static func isSectionPrefix(_ path: String) -> Bool {
        ConfigSchema.all.contains { $0.path.hasPrefix(path + ".") }
    }

    /// Applies variables for every known key (snake-case name, then the guide's alias).
    mutating func mergeEnvironment(_ environment: [String: String], sourcePrefix: String) {
        for key in ConfigSchema.all {
            for variable in key.variables {
                if let value = environment[variable] {
                    entries[key.path] = Entry(raw: .scalar(value), source: sourcePrefix + variable)
                }
            }
        }
    }

    /// Sets a value directly (tests and command-line flags).
    public mutating func set(_ key: String, _ value: String, source: String = "command line") {
        entries[key] = Entry(raw: .scalar(value), source: source)
    }

    /// Where a key's value came from, or `default`.
    public func source(of key: String) -> String { entries[key]?.source ?? "default" }

    /// Keys present under a prefix (for free-form sections).
    func keys(withPrefix prefix: String) -> [String] { entries.keys.filter { $0.hasPrefix(prefix) }.sorted() }

    func fail(_ key: String, _ problem: String) -> ConfigError {
        ConfigError(source: source(of: key), key: key, problem: problem)
    }
}
