/// Invalid configuration: which file or variable, which key, and what is wrong.
public struct ConfigError: Error, Sendable, CustomStringConvertible {
    /// `config/analytics.yaml`, `environment variable API_PORT`, `.env (API_PORT)`, …
    public let source: String
    /// The dotted key, e.g. `api.port`.
    public let key: String
    /// What is wrong and what is accepted.
    public let problem: String

    /// Creates an error.
    public init(source: String, key: String, problem: String) {
        self.source = source
        self.key = key
        self.problem = problem
    }

    /// One line, fit for standard error.
    public var description: String { "invalid configuration: \(source): \(key): \(problem)" }
}
