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
    /// The database's disk is full: the write was rolled back whole, so nothing of it was
    /// stored; writes succeed again once space is freed.
    case storageFull(String)
    /// The database hit an I/O error while writing (a failed write or fsync): what is on disk
    /// may not be what was written, so the store refuses every further write until the process
    /// restarts (and the database is checked). A write in flight may or may not have committed.
    case storageFailed(String)

    public var description: String {
        switch self {
        case .conflict(let message): "conflict: \(message)"
        case .unavailable(let message): "store unavailable: \(message)"
        case .schemaNotCurrent(let message): "schema not current: \(message)"
        case .timedOut(let message): "query timed out: \(message)"
        case .invalidRequest(let message): "invalid request: \(message)"
        case .invalidCursor: "invalid cursor"
        case .storageFull(let message): "storage full: \(message)"
        case .storageFailed(let message): "storage failed: \(message)"
        }
    }
}
