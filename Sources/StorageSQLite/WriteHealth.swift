import ChurnGuardStorage
import GRDB
import Synchronization

/// The SQLite store's write state: healthy, refusing for a full disk (until a write succeeds),
/// or refusing after an I/O error (until the process restarts). Shared by every write.
final class WriteHealth: Sendable {
    enum State: Equatable {
        case healthy
        case full(String)
        case failed(String)
    }

    private let state = Mutex(State.healthy)

    /// The current state.
    var current: State { state.withLock { $0 } }

    /// Throws ``StoreError/storageFailed(_:)`` once an I/O error was seen.
    func checkWritable() throws {
        if case .failed(let message) = current { throw StoreError.storageFailed("writes refused since an I/O error: \(message)") }
    }

    /// A write committed: a full disk has space again.
    func succeeded() {
        state.withLock { state in
            if case .full = state { state = .healthy }
        }
    }

    /// The ``StoreError`` for a failed write, remembering a full disk or an I/O error.
    func record(_ error: DatabaseError) -> StoreError {
        let message = error.message ?? "\(error.resultCode)"
        switch error.resultCode.primaryResultCode {
        case .SQLITE_CONSTRAINT:
            return .conflict(error.message ?? "constraint violated")
        case .SQLITE_FULL:
            state.withLock { state in
                if state == .healthy { state = .full(message) }
            }
            return .storageFull("SQLite: \(message)")
        case .SQLITE_IOERR, .SQLITE_CORRUPT, .SQLITE_NOTADB:
            state.withLock { $0 = .failed("\(error.extendedResultCode): \(message)") }
            return .storageFailed("SQLite \(error.extendedResultCode): \(message)")
        default:
            return .unavailable("SQLite write failed: \(error)")
        }
    }
}
