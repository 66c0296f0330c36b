public import ChurnGuardCore

/// The points of one organization, grouped for one atomic commit.
public struct PointBatch: Sendable {
    /// Whose points these are; taken from the authenticated caller, never from the body.
    public var organization: OrganizationID
    /// Validated points.
    public var points: [MetricPoint]

    /// Creates a batch.
    public init(organization: OrganizationID, points: [MetricPoint]) {
        self.organization = organization
        self.points = points
    }
}

/// Which points of one metric to read, oldest first.
public struct PointQuery: Sendable, Equatable {
    /// The metric to read.
    public var metricName: String
    /// Inclusive lower bound.
    public var from: Timestamp?
    /// Exclusive upper bound.
    public var to: Timestamp?
    /// Every tag here must match exactly.
    public var tags: [String: String]
    /// Most points in the page.
    public var limit: Int
    /// Continue after this position (from a previous page's `nextCursor`).
    public var after: PointCursor?

    /// Creates a query.
    public init(
        metricName: String, from: Timestamp? = nil, to: Timestamp? = nil,
        tags: [String: String] = [:], limit: Int = 1000, after: PointCursor? = nil
    ) {
        self.metricName = metricName
        self.from = from
        self.to = to
        self.tags = tags
        self.limit = limit
        self.after = after
    }
}

/// A position in the (timestamp, sequence) order of a metric's points: stable under
/// concurrent inserts, unlike an offset.
public struct PointCursor: Sendable, Hashable {
    /// Timestamp of the last point returned.
    public var timestamp: Timestamp
    /// Sequence of the last point returned.
    public var sequence: Int64

    /// Creates a cursor.
    public init(timestamp: Timestamp, sequence: Int64) {
        self.timestamp = timestamp
        self.sequence = sequence
    }

    /// Opaque text form for clients: `<microseconds>.<sequence>` in hexadecimal.
    public var token: String { String(timestamp.microseconds, radix: 16) + "." + String(sequence, radix: 16) }

    /// Parses ``token``; `nil` when the text is not a cursor.
    public init?(token: String) {
        let parts = token.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 2, let micros = Int64(parts[0], radix: 16), let sequence = Int64(parts[1], radix: 16) else {
            return nil
        }
        self.init(timestamp: Timestamp(microseconds: micros), sequence: sequence)
    }

    /// Whether a stored point lies strictly after this cursor.
    public func precedes(_ point: StoredPoint) -> Bool {
        (point.point.timestamp, point.sequence) > (timestamp, sequence)
    }
}

/// One page of points and where the next begins.
public struct PointPage: Sendable {
    /// Points in (timestamp, sequence) order.
    public var points: [StoredPoint]
    /// Present when more points may follow.
    public var nextCursor: PointCursor?

    /// Creates a page.
    public init(points: [StoredPoint], nextCursor: PointCursor?) {
        self.points = points
        self.nextCursor = nextCursor
    }
}

/// What an organization has stored of one metric.
public struct MetricSummary: Sendable, Hashable {
    /// The metric.
    public var metricName: String
    /// How many points are stored.
    public var points: Int64
    /// Earliest point's time.
    public var firstTimestamp: Timestamp
    /// Latest point's time.
    public var lastTimestamp: Timestamp

    /// Creates a summary.
    public init(metricName: String, points: Int64, firstTimestamp: Timestamp, lastTimestamp: Timestamp) {
        self.metricName = metricName
        self.points = points
        self.firstTimestamp = firstTimestamp
        self.lastTimestamp = lastTimestamp
    }
}
