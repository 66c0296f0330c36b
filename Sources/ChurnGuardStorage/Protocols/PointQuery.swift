public import ChurnGuardCore

/// The points of one organization, grouped for one atomic commit.
public struct PointBatch: Sendable {
    /// Whose points these are; taken from the authenticated caller, never from the body.
    public var organization: OrganizationID
    /// Validated points.
    public var points: [MetricPoint]
    /// The client's idempotency key, stored in the same transaction as the points.
    public var idempotency: IdempotencyClaim?
    /// The id of the request that sent the points (`X-Request-ID`), carried to the log lines
    /// of the work they trigger after the commit (alert transitions); never stored.
    public var requestID: String?

    /// Creates a batch.
    public init(organization: OrganizationID, points: [MetricPoint], idempotency: IdempotencyClaim? = nil,
                requestID: String? = nil) {
        self.organization = organization
        self.points = points
        self.idempotency = idempotency
        self.requestID = requestID
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

/// Where the next page of a point listing begins: opaque text that only the backend that
/// made it can read. Clients get it as `next_cursor` and send it back unchanged; the API
/// checks only its shape, the backend its meaning (``StoreError/invalidCursor`` otherwise).
public struct PointCursor: Sendable, Hashable {
    /// Longest token accepted.
    public static let maxTokenLength = 128

    /// The text form.
    public let token: String

    /// Wraps a token; `nil` unless it is 1–128 characters of letters, digits, `.`, `_`, `-`.
    public init?(token: String) {
        guard !token.isEmpty, token.utf8.count <= Self.maxTokenLength,
              token.utf8.allSatisfy({ byte in
                  (48...57).contains(byte) || (65...90).contains(byte) || (97...122).contains(byte) || byte == 46 || byte == 95 || byte == 45
              }) else { return nil }
        self.token = token
    }

    /// Wraps text already known to be a valid token (made by a backend format in this module).
    init(validated token: String) { self.token = token }
}

/// The cursor of backends that order a metric's points by (timestamp, sequence), as the SQL
/// backends and the in-memory store do: `<microseconds>.<sequence>` in hexadecimal.
public struct SequenceCursor: Sendable, Hashable {
    /// Timestamp of the last point returned (or examined).
    public var timestamp: Timestamp
    /// Sequence of that point.
    public var sequence: Int64

    /// Creates a position.
    public init(timestamp: Timestamp, sequence: Int64) {
        self.timestamp = timestamp
        self.sequence = sequence
    }

    /// The position just after `point`.
    public init(after point: StoredPoint) {
        self.init(timestamp: point.point.timestamp, sequence: point.sequence)
    }

    /// Reads a cursor this format made. A cursor's time must lie in the accepted range and
    /// its sequence must not be negative, so a made-up cursor is a client error before any
    /// query runs.
    /// - Throws: ``StoreError/invalidCursor`` for anything else.
    public init(_ cursor: PointCursor) throws(StoreError) {
        let parts = cursor.token.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 2, parts.allSatisfy({ $0.utf8.count <= 16 }),
              let micros = Int64(parts[0], radix: 16), let sequence = Int64(parts[1], radix: 16),
              micros >= Timestamp.earliestAccepted.microseconds, micros < Timestamp.latestAcceptedExclusive.microseconds,
              sequence >= 0 else {
            throw StoreError.invalidCursor
        }
        self.init(timestamp: Timestamp(microseconds: micros), sequence: sequence)
    }

    /// The opaque form handed to clients.
    public var cursor: PointCursor {
        // Hex digits, a sign and one dot: always a valid token.
        PointCursor(validated: String(timestamp.microseconds, radix: 16) + "." + String(sequence, radix: 16))
    }

    /// Whether a stored point lies strictly after this position.
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

    /// The page a (timestamp, sequence)-ordered backend answers from up to `limit + 1`
    /// matching rows in order: the first `limit`, with a cursor when more followed; otherwise,
    /// when the scan stopped at its bound (`lastScanned`, the last point examined), a short page
    /// resuming after that point.
    public static func assemble(_ rows: [StoredPoint], limit: Int, lastScanned: SequenceCursor?) -> PointPage {
        if rows.count > limit {
            let page = Array(rows.prefix(limit))
            return PointPage(points: page, nextCursor: SequenceCursor(after: page[page.count - 1]).cursor)
        }
        return PointPage(points: rows, nextCursor: lastScanned?.cursor)
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
