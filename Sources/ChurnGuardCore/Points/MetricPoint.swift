/// One observation of one metric for one organization's subject (a customer, a segment, …).
public struct MetricPoint: Sendable, Hashable {
    /// The metric, e.g. `churn_risk_score`; see ``PointValidator`` for the allowed shape.
    public var metricName: String
    /// When the value was observed.
    public var timestamp: Timestamp
    /// The observed value; finite and at most ``maximumMagnitude`` in size once validated.
    public var value: Double
    /// Dimensions such as `customer_id`, `segment`, `plan`; used for filtering.
    public var tags: [String: String]
    /// Free-form JSON object text carried along unchanged, or `nil`.
    public var metadataJSON: String?

    /// The largest accepted `|value|`, 10¹⁰⁰: far beyond any real measurement, and small
    /// enough that sums, means and sums of squared deviations over any number of points
    /// (up to 2⁶³) stay finite, so no rollup or statistic of accepted data can overflow.
    public static let maximumMagnitude = 1e100

    /// Creates a point.
    public init(
        metricName: String, timestamp: Timestamp, value: Double,
        tags: [String: String] = [:], metadataJSON: String? = nil
    ) {
        self.metricName = metricName
        self.timestamp = timestamp
        self.value = value
        self.tags = tags
        self.metadataJSON = metadataJSON
    }
}

/// A point as read back from a store, with the identifier that orders ties.
public struct StoredPoint: Sendable, Hashable {
    /// Store-assigned, increasing in insertion order; breaks ties between equal timestamps.
    public var sequence: Int64
    /// The point as it was ingested.
    public var point: MetricPoint

    /// Creates a stored point.
    public init(sequence: Int64, point: MetricPoint) {
        self.sequence = sequence
        self.point = point
    }
}
