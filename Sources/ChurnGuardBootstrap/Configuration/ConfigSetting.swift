/// One configuration key, declared once: its path, type and bounds, default, whether it is a
/// secret, a one-line description, the environment variables that set it, and whether the
/// service acts on it yet. Reading, validation, unknown-key refusal, redaction, the shipped
/// `config/analytics.yaml`, `.env.example` and the reference in docs/CONFIGURATION.md all come
/// from these declarations (see ``ConfigSchema``).
public struct ConfigSetting<Value: Sendable & Equatable>: Sendable {
    /// The dotted YAML path, e.g. `api.port`.
    public let path: String
    /// The value when the key is not set.
    public let defaultValue: Value
    /// One line for a human: what the key does.
    public let doc: String
    /// The deployment guide's variable names for this key (the snake-case name always works).
    public let aliases: [String]
    /// Whether the value must never be shown (dumps print `<redacted>`).
    public let isSecret: Bool
    /// The feature that will act on this key, while it does not yet; `nil` once it does.
    public let pendingFeature: String?
    /// What values are accepted, for messages and the reference, e.g. `integer 1–65535`.
    public let accepted: String
    /// The default as YAML text (`8000`, `"7d"`, `[]`), for the shipped file.
    public let defaultYAML: String
    let parse: @Sendable (String) -> Result<Value, ParseProblem>
    let parseList: (@Sendable ([String]) -> Result<Value, ParseProblem>)?

    /// Why a text is not acceptable.
    struct ParseProblem: Error { let message: String }

    /// The typed value of this key in `values`: its default when unset.
    /// - Throws: ``ConfigError`` naming the source, key and problem.
    func read(_ values: ConfigValues) throws(ConfigError) -> Value {
        let result: Result<Value, ParseProblem>
        switch values.entries[path]?.raw {
        case nil: return defaultValue
        case .scalar(let text): result = parse(text)
        case .list(let items):
            result = parseList.map { $0(items) } ?? parse(items.joined(separator: ","))
        }
        switch result {
        case .success(let value): return value
        case .failure(let problem): throw values.fail(path, problem.message)
        }
    }
}

/// What every declared setting offers, whatever its value type.
public protocol AnyConfigSetting: Sendable {
    /// The dotted YAML path.
    var path: String { get }
    /// One line: what the key does.
    var doc: String { get }
    /// The guide's variable names.
    var aliases: [String] { get }
    /// Whether the value is secret.
    var isSecret: Bool { get }
    /// The feature that will act on it, while it does not yet.
    var pendingFeature: String? { get }
    /// Accepted values, in words.
    var accepted: String { get }
    /// The default as YAML text.
    var defaultYAML: String { get }
    /// Checks the value in `values` (its type and bounds).
    func validate(_ values: ConfigValues) throws(ConfigError)
    /// Whether `values` sets this key to something other than its default.
    func isChanged(in values: ConfigValues) -> Bool
    /// The effective value as text, `<redacted>` for a secret that is set.
    func display(_ values: ConfigValues) -> String
}

/// Renders setting values for humans.
enum ConfigSettingDisplay {
    static func text(_ value: some Sendable) -> String {
        switch value {
        case let text as String: return text
        case let optional as String?: return optional ?? ""
        case let list as [String]: return list.joined(separator: ",")
        case let rate as ConfigRate: return "\(rate.count) per \(rate.windowSeconds) s"
        default: return "\(value)"
        }
    }
}

extension ConfigSetting: AnyConfigSetting {
    /// Checks the value's type and bounds.
    public func validate(_ values: ConfigValues) throws(ConfigError) { _ = try read(values) }

    /// Whether `values` sets a valid value different from the default.
    public func isChanged(in values: ConfigValues) -> Bool {
        guard values.entries[path] != nil, let value = try? read(values) else { return false }
        return value != defaultValue
    }

    /// The value as shown by `churnguard config show`: secrets redacted.
    public func display(_ values: ConfigValues) -> String {
        guard let value = try? read(values) else { return "(invalid)" }
        let shown = ConfigSettingDisplay.text(value)
        return isSecret && !shown.isEmpty ? "<redacted>" : shown
    }
}

extension AnyConfigSetting {
    /// `api.port` → `API_PORT`.
    public var snakeVariable: String { String(path.map { $0 == "." ? "_" : $0 }).uppercased() }
    /// Every variable that sets this key, in increasing priority.
    public var variables: [String] { [snakeVariable] + aliases.filter { $0 != snakeVariable } }
}

/// A rate such as `1000/hour`.
public struct ConfigRate: Sendable, Equatable {
    /// Requests allowed per window.
    public var count: Int
    /// The window, in seconds.
    public var windowSeconds: Int

    /// Creates a rate.
    public init(count: Int, windowSeconds: Int) {
        self.count = count
        self.windowSeconds = windowSeconds
    }
}

// MARK: - Declaring settings of each type

extension ConfigSetting where Value == String {
    /// Free text.
    static func text(_ path: String, default value: String, doc: String, aliases: [String] = [], pending: String? = nil) -> Self {
        ConfigSetting(path: path, defaultValue: value, doc: doc, aliases: aliases, isSecret: false, pendingFeature: pending,
                      accepted: "text", defaultYAML: quoted(value),
                      parse: { .success($0.trimmingCharacters(in: .whitespaces)) }, parseList: nil)
    }

    /// One of `allowed` (case-insensitive).
    static func choice(_ path: String, default value: String, allowed: [String], doc: String, aliases: [String] = [],
                       pending: String? = nil) -> Self {
        ConfigSetting(path: path, defaultValue: value, doc: doc, aliases: aliases, isSecret: false, pendingFeature: pending,
                      accepted: "one of " + allowed.joined(separator: ", "), defaultYAML: quoted(value),
                      parse: { text in
                          let lowered = text.trimmingCharacters(in: .whitespaces).lowercased()
                          return allowed.contains(lowered) ? .success(lowered)
                              : .failure(.init(message: "must be one of \(allowed.joined(separator: ", ")) (got '\(text)')"))
                      }, parseList: nil)
    }
}

extension ConfigSetting where Value == String? {
    /// Text that is unset by default; empty text counts as unset. A secret is never shown.
    static func optionalText(_ path: String, doc: String, aliases: [String] = [], secret: Bool = false,
                             pending: String? = nil) -> Self {
        ConfigSetting(path: path, defaultValue: nil, doc: doc, aliases: aliases, isSecret: secret, pendingFeature: pending,
                      accepted: secret ? "secret text" : "text", defaultYAML: "\"\"",
                      parse: { text in
                          let trimmed = text.trimmingCharacters(in: .whitespaces)
                          return .success(trimmed.isEmpty ? nil : trimmed)
                      }, parseList: nil)
    }
}

extension ConfigSetting where Value == Int {
    /// An integer within `range`.
    static func integer(_ path: String, default value: Int, range: ClosedRange<Int>, doc: String, aliases: [String] = [],
                        pending: String? = nil) -> Self {
        ConfigSetting(path: path, defaultValue: value, doc: doc, aliases: aliases, isSecret: false, pendingFeature: pending,
                      accepted: "integer \(range.lowerBound)–\(range.upperBound)", defaultYAML: "\(value)",
                      parse: { text in
                          guard let parsed = Int(text.trimmingCharacters(in: .whitespaces)), range.contains(parsed) else {
                              return .failure(.init(message: "must be an integer from \(range.lowerBound) to \(range.upperBound) (got '\(text)')"))
                          }
                          return .success(parsed)
                      }, parseList: nil)
    }

    /// A duration such as `90s`, `15m`, `12h`, `7d`, `2w` (a bare integer is seconds), in
    /// seconds, within `range`: bounded, so no arithmetic on it can overflow.
    static func duration(_ path: String, default value: Int, range: ClosedRange<Int>, doc: String, aliases: [String] = [],
                         pending: String? = nil) -> Self {
        let bounds = "from \(ConfigValues.describe(seconds: range.lowerBound)) to \(ConfigValues.describe(seconds: range.upperBound))"
        return ConfigSetting(path: path, defaultValue: value, doc: doc, aliases: aliases, isSecret: false, pendingFeature: pending,
                             accepted: "duration " + bounds, defaultYAML: quoted(ConfigValues.describe(seconds: value)),
                             parse: { text in
                                 let lowered = text.trimmingCharacters(in: .whitespaces).lowercased()
                                 guard let seconds = ConfigValues.parseDuration(lowered) else {
                                     return .failure(.init(message: "must be a duration like 90s, 15m, 12h, 7d or 2w (got '\(text)')"))
                                 }
                                 guard range.contains(seconds) else { return .failure(.init(message: "must be \(bounds) (got '\(text)')")) }
                                 return .success(seconds)
                             }, parseList: nil)
    }
}

extension ConfigSetting where Value == Int? {
    /// A duration that is unset by default (empty text counts as unset), for keys whose
    /// default depends on other settings.
    static func optionalDuration(_ path: String, range: ClosedRange<Int>, doc: String, aliases: [String] = [],
                                 pending: String? = nil) -> Self {
        let inner = ConfigSetting<Int>.duration(path, default: range.lowerBound, range: range, doc: doc)
        return ConfigSetting(path: path, defaultValue: nil, doc: doc, aliases: aliases, isSecret: false, pendingFeature: pending,
                             accepted: inner.accepted, defaultYAML: "\"\"",
                             parse: { text in
                                 guard !text.trimmingCharacters(in: .whitespaces).isEmpty else { return .success(nil) }
                                 return inner.parse(text).map { Optional($0) }.mapError { ParseProblem(message: $0.message) }
                             }, parseList: nil)
    }
}

extension ConfigSetting where Value == Double {
    /// A finite number within `range`.
    static func number(_ path: String, default value: Double, range: ClosedRange<Double>, doc: String, aliases: [String] = [],
                       pending: String? = nil) -> Self {
        ConfigSetting(path: path, defaultValue: value, doc: doc, aliases: aliases, isSecret: false, pendingFeature: pending,
                      accepted: "number \(range.lowerBound)–\(range.upperBound)", defaultYAML: "\(value)",
                      parse: { text in
                          guard let parsed = Double(text.trimmingCharacters(in: .whitespaces)), parsed.isFinite, range.contains(parsed) else {
                              return .failure(.init(message: "must be a number from \(range.lowerBound) to \(range.upperBound) (got '\(text)')"))
                          }
                          return .success(parsed)
                      }, parseList: nil)
    }
}

extension ConfigSetting where Value == Bool {
    /// `true/false/yes/no/1/0/on/off`.
    static func flag(_ path: String, default value: Bool, doc: String, aliases: [String] = [], pending: String? = nil) -> Self {
        ConfigSetting(path: path, defaultValue: value, doc: doc, aliases: aliases, isSecret: false, pendingFeature: pending,
                      accepted: "true or false", defaultYAML: "\(value)",
                      parse: { text in
                          switch text.trimmingCharacters(in: .whitespaces).lowercased() {
                          case "true", "yes", "1", "on": return .success(true)
                          case "false", "no", "0", "off": return .success(false)
                          default: return .failure(.init(message: "must be true or false (got '\(text)')"))
                          }
                      }, parseList: nil)
    }
}

extension ConfigSetting where Value == [String] {
    /// A list: a YAML sequence, or comma-separated text from a variable.
    static func list(_ path: String, default value: [String], doc: String, aliases: [String] = [], pending: String? = nil) -> Self {
        ConfigSetting(path: path, defaultValue: value, doc: doc, aliases: aliases, isSecret: false, pendingFeature: pending,
                      accepted: "list (comma-separated in a variable)", defaultYAML: "[" + value.map(quoted).joined(separator: ", ") + "]",
                      parse: { text in
                          .success(text.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty })
                      }, parseList: { .success($0) })
    }
}

extension ConfigSetting where Value == ConfigRate {
    /// A rate like `1000/hour` (per `second`, `minute`, `hour` or `day`).
    static func rate(_ path: String, default value: ConfigRate, doc: String, aliases: [String] = [], pending: String? = nil) -> Self {
        let windows = ["second": 1, "minute": 60, "hour": 3600, "day": 86_400]
        let unit = windows.first { $0.value == value.windowSeconds }?.key ?? "second"
        return ConfigSetting(path: path, defaultValue: value, doc: doc, aliases: aliases, isSecret: false,
                             pendingFeature: pending, accepted: "rate like 1000/hour", defaultYAML: quoted("\(value.count)/\(unit)"),
                             parse: { text in
                                 let lowered = text.trimmingCharacters(in: .whitespaces).lowercased()
                                 let parts = lowered.split(separator: "/")
                                 guard parts.count == 2, let count = Int(parts[0]), count > 0, let window = windows[String(parts[1])] else {
                                     return .failure(.init(message: "must look like 1000/hour (per second, minute, hour or day) (got '\(text)')"))
                                 }
                                 return .success(ConfigRate(count: count, windowSeconds: window))
                             }, parseList: nil)
    }
}

/// `text` as a double-quoted YAML scalar.
private func quoted(_ text: String) -> String {
    "\"" + text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"") + "\""
}
