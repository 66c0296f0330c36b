public import ChurnGuardCore
public import ChurnGuardStorage

/// One stored point of a watched series, as the monitor keeps it: its position and value
/// (24 bytes, so the context rows of many series stay small).
public struct MonitorRow: Sendable, Equatable {
    /// The point's time.
    public var timestamp: Timestamp
    /// Its store sequence (the tie-break of points at the same time).
    public var sequence: Int64
    /// Its value.
    public var value: Double

    /// Creates a row.
    public init(timestamp: Timestamp, sequence: Int64, value: Double) {
        self.timestamp = timestamp
        self.sequence = sequence
        self.value = value
    }

    /// The row of a stored point.
    public init(_ stored: StoredPoint) {
        self.init(timestamp: stored.point.timestamp, sequence: stored.sequence, value: stored.point.value)
    }

    /// Whether the row lies after `checkpoint` (always, without one).
    public func isAfter(_ checkpoint: SequenceCursor?) -> Bool {
        guard let checkpoint else { return true }
        return (timestamp, sequence) > (checkpoint.timestamp, checkpoint.sequence)
    }

    /// The checkpoint just at this row.
    public var cursor: SequenceCursor { SequenceCursor(timestamp: timestamp, sequence: sequence) }
}
