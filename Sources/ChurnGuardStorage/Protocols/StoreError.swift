/// Failures of a storage backend, in terms callers can act on.
public enum StoreError: Error, Sendable, Equatable, CustomStringConvertible {
    /// A unique constraint was hit (for example an organization name).
    case conflict(String)
    /// The backend cannot be reached or timed out; the operation did not happen.
    case unavailable(String)
    /// The schema is missing migrations or newer than this build; says what to run.
    case schemaNotCurrent(String)

    public var description: String {
        switch self {
        case .conflict(let message): "conflict: \(message)"
        case .unavailable(let message): "store unavailable: \(message)"
        case .schemaNotCurrent(let message): "schema not current: \(message)"
        }
    }
}
