import Foundation
import Synchronization

/// Where finished log lines go. `write` takes one whole line (ending in a newline) and
/// writes it in one piece, so concurrent lines never interleave.
public protocol LogSink: Sendable {
    /// Writes `line` whole.
    func write(_ line: String)
}

/// Standard error, one `write` per line under a lock.
public struct StandardErrorSink: LogSink {
    private static let lock = Mutex(())

    /// The process's standard error.
    public init() {}

    public func write(_ line: String) {
        Self.lock.withLock { _ in FileHandle.standardError.write(Data(line.utf8)) }
    }
}
