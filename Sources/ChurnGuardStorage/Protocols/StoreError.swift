/// Failures of a storage backend, in terms callers can act on.
public enum StoreError: Error, Sendable, Equatable, CustomStringConvertible {
    /// A unique constraint was hit (for example an organization name).
    case conflict(String)
    /// The backend cannot be reached or timed out; the operation did not happen.
    case unavailable(String)
    /// The schema is missing migrations or newer than this build; says what to run.
    case schemaNotCurrent(String)
    /// A read did not finish within its time budget (`database.query_timeout`) and was
    /// stopped; nothing was changed.
    case timedOut(String)
    /// The backend refused a request's values as out of its range or too complex: a
    /// client's mistake that validation did not catch, never a reason to retry.
    case invalidRequest(String)
    /// A page cursor this backend did not make (made up, altered, or another backend's).
    case invalidCursor

    public var description: String {
        switch self {
        case .conflict(let message): "conflict: \(message)"
        case .unavailable(let message): "store unavailable: \(message)"
        case .schemaNotCurrent(let message): "schema not current: \(message)"
        case .timedOut(let message): "query timed out: \(message)"
        case .invalidRequest(let message): "invalid request: \(message)"
        case .invalidCursor: "invalid cursor"
        }
    }
}
