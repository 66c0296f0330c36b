#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation
import Synchronization

/// Appends log lines to a file and rotates it by size (`logging.file`, `logging.max_size_mb`,
/// `logging.backup_count`), as the guide's rotating handler does: when the next line would
/// take the file past `maxBytes`, `file` becomes `file.1`, `file.1` becomes `file.2`, … and
/// the oldest beyond `backupCount` is deleted; then a fresh `file` is started.
///
/// A line is never split or lost: rotation happens only between lines, every line is written
/// with one `write(2)` loop under the sink's lock, and a line longer than `maxBytes` goes
/// whole into a file of its own. When the file cannot be written (disk full, permissions)
/// the line goes to standard error instead, with a note, once per failure streak.
public final class RotatingFileSink: LogSink {
    private struct State {
        var descriptor: Int32 = -1
        var size: Int = 0
        var failing = false
    }

    /// The log file.
    public let path: String
    /// Size past which the file is rotated.
    public let maxBytes: Int
    /// Rotated files kept.
    public let backupCount: Int
    private let state: Mutex<State>

    /// A sink appending to `path` (created with its folder if missing).
    /// - Throws: when the file cannot be opened, so start-up reports a bad `logging.file`.
    public init(path: String, maxBytes: Int, backupCount: Int) throws {
        self.path = path
        self.maxBytes = max(1, maxBytes)
        self.backupCount = max(0, backupCount)
        let folder = (path as NSString).deletingLastPathComponent
        if !folder.isEmpty { try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true) }
        var initial = State()
        try Self.openFile(path, into: &initial)
        state = Mutex(initial)
    }

    deinit {
        state.withLock { if $0.descriptor >= 0 { _ = close($0.descriptor) } }
    }

    public func write(_ line: String) {
        let bytes = Array(line.utf8)
        let written = state.withLock { state -> Bool in
            if state.size > 0, state.size + bytes.count > maxBytes {
                rotate(&state)
            }
            guard state.descriptor >= 0, Self.writeAll(bytes, to: state.descriptor) else {
                state.failing = true
                return false
            }
            state.size += bytes.count
            state.failing = false
            return true
        }
        if !written {
            StandardErrorSink().write("log file \(path) cannot be written; logging to standard error: " + line)
        }
    }

    /// Renames the files one step older and opens a fresh one.
    private func rotate(_ state: inout State) {
        if state.descriptor >= 0 { _ = close(state.descriptor) }
        state.descriptor = -1
        if backupCount == 0 {
            unlink(path)
        } else {
            unlink("\(path).\(backupCount)")
            for index in stride(from: backupCount - 1, through: 1, by: -1) {
                rename("\(path).\(index)", "\(path).\(index + 1)")
            }
            rename(path, "\(path).1")
        }
        try? Self.openFile(path, into: &state)
    }

    private static func openFile(_ path: String, into state: inout State) throws {
        let descriptor = posixOpenForAppend(path)
        guard descriptor >= 0 else {
            throw CocoaError(.fileWriteNoPermission, userInfo: [NSFilePathErrorKey: path])
        }
        var info = stat()
        state.size = fstat(descriptor, &info) == 0 ? Int(info.st_size) : 0
        state.descriptor = descriptor
    }

    private static func writeAll(_ bytes: [UInt8], to descriptor: Int32) -> Bool {
        bytes.withUnsafeBytes { buffer in
            guard let base = buffer.baseAddress else { return true }
            var offset = 0
            while offset < buffer.count {
                let result = posixWrite(descriptor, base + offset, buffer.count - offset)
                if result < 0 {
                    if errno == EINTR { continue }
                    return false
                }
                offset += result
            }
            return true
        }
    }
}

/// `open(2)` for appending, creating the file (mode 0640) if missing.
private func posixOpenForAppend(_ path: String) -> Int32 {
    open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0o640)
}

/// `write(2)`.
private func posixWrite(_ descriptor: Int32, _ bytes: UnsafeRawPointer, _ count: Int) -> Int {
    write(descriptor, bytes, count)
}
