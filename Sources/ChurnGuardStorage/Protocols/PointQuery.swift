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
///
/// Tag filters are checked row by row over the metric's points in time order (no index
/// covers arbitrary tag sets), so a filter that matches little could scan a whole series.
/// Each call therefore examines at most ``scanLimit`` points; when it stops there with
/// fewer than ``limit`` matches, the page is short (possibly empty) and its cursor points
/// past the last point examined, so a client that follows cursors still sees every match.
public struct PointQuery: Sendable, Equatable {
    /// The default bound on points examined per call (see ``scanLimit``).
    public static let defaultScanLimit = 100_000
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
    /// Most points examined by one call when tag filters apply; see the type's note.
    public var scanLimit: Int

    /// Creates a query.
    public init(
        metricName: String, from: Timestamp? = nil, to: Timestamp? = nil,
        tags: [String: String] = [:], limit: Int = 1000, after: PointCursor? = nil,
        scanLimit: Int = PointQuery.defaultScanLimit
    ) {
        self.scanLimit = scanLimit
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

    /// Parses ``token``; `nil` when the text is not a cursor this service could have made:
    /// a stored point's time lies in the accepted range and its sequence is not negative,
    /// so a made-up cursor is a client error before any backend sees it.
    public init?(token: String) {
        let parts = token.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 2, parts.allSatisfy({ $0.utf8.count <= 16 }),
              let micros = Int64(parts[0], radix: 16), let sequence = Int64(parts[1], radix: 16),
              micros >= Timestamp.earliestAccepted.microseconds, micros < Timestamp.latestAcceptedExclusive.microseconds,
              sequence >= 0 else {
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

    /// The page a backend answers from up to `limit + 1` matching rows in order: the first
    /// `limit`, with a cursor when more followed; otherwise, when the scan stopped at its bound
    /// (`lastScanned`, the last point examined), a short page resuming after that point.
    public static func assemble(_ rows: [StoredPoint], limit: Int, lastScanned: PointCursor?) -> PointPage {
        if rows.count > limit {
            let page = Array(rows.prefix(limit))
            let last = page[page.count - 1]
            return PointPage(points: page, nextCursor: PointCursor(timestamp: last.point.timestamp, sequence: last.sequence))
        }
        return PointPage(points: rows, nextCursor: lastScanned)
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
