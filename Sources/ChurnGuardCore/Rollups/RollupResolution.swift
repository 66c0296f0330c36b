/// The width of a rollup bucket. Buckets are aligned to UTC: an hour bucket starts at a whole
/// hour, a day bucket at midnight UTC. No time zones or daylight-saving shifts are involved.
public enum RollupResolution: String, Sendable, CaseIterable, Codable {
    /// One hour.
    case hour
    /// One UTC day.
    case day

    /// The bucket width in microseconds.
    public var microseconds: Int64 {
        switch self {
        case .hour: 3_600_000_000
        case .day: 86_400_000_000
        }
    }

    /// The start of the bucket holding `timestamp` (floor division, also before the epoch).
    public func bucketStart(of timestamp: Timestamp) -> Timestamp {
        let width = microseconds
        let micros = timestamp.microseconds
        var quotient = micros / width
        if micros % width != 0 && micros < 0 { quotient -= 1 }
        return Timestamp(microseconds: quotient * width)
    }

    /// The first instant after the bucket starting at `start`.
    public func bucketEnd(startingAt start: Timestamp) -> Timestamp {
        Timestamp(microseconds: start.microseconds &+ microseconds)
    }
}

/// One rollup bucket of one series: its start and the summary of the points inside it.
public struct RollupBucket: Sendable, Equatable {
    /// Start of the bucket (aligned to its resolution, UTC).
    public var start: Timestamp
    /// The summary of the bucket's points.
    public var aggregate: RollupAggregate

    /// Creates a bucket.
    public init(start: Timestamp, aggregate: RollupAggregate) {
        self.start = start
        self.aggregate = aggregate
    }
}
