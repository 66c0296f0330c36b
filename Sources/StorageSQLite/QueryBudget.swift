import GRDB
import GRDBSQLite
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A time budget for the statements of one read: SQLite calls a progress handler every few
/// thousand virtual-machine steps, and the handler interrupts the statement (SQLITE_INTERRUPT)
/// once the monotonic clock passes the deadline. The handler is removed when the read ends,
/// so a pooled connection never carries a stale deadline into the next read.
enum QueryBudget {
    /// Virtual-machine instructions between two deadline checks (a few microseconds of work).
    static let checkInterval: Int32 = 4000

    /// Runs `body` on `db` with the deadline `budget` from now.
    static func run<T>(_ db: Database, budget: Duration, _ body: () throws -> T) throws -> T {
        let deadline = UnsafeMutablePointer<UInt64>.allocate(capacity: 1)
        deadline.initialize(to: monotonicNanoseconds() &+ nanoseconds(budget))
        sqlite3_progress_handler(db.sqliteConnection, checkInterval, { context in
            guard let context else { return 0 }
            return monotonicNanoseconds() > context.assumingMemoryBound(to: UInt64.self).pointee ? 1 : 0
        }, deadline)
        defer {
            sqlite3_progress_handler(db.sqliteConnection, 0, nil, nil)
            deadline.deallocate()
        }
        return try body()
    }

    /// `duration` in whole nanoseconds, saturating.
    static func nanoseconds(_ duration: Duration) -> UInt64 {
        let (seconds, attoseconds) = duration.components
        guard seconds >= 0 else { return 0 }
        guard seconds < 1 << 33 else { return UInt64.max / 2 }
        return UInt64(seconds) * 1_000_000_000 + UInt64(attoseconds / 1_000_000_000)
    }
}

/// The monotonic clock in nanoseconds (never goes back, unaffected by clock changes).
private func monotonicNanoseconds() -> UInt64 {
    var now = timespec()
    clock_gettime(CLOCK_MONOTONIC, &now)
    return UInt64(now.tv_sec) * 1_000_000_000 + UInt64(now.tv_nsec)
}
