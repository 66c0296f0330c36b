public import ChurnGuardCore

/// Identifies one time series: an organization's metric with one exact set of tags.
public struct SeriesKey: Hashable, Sendable {
    /// Whose series this is.
    public var organization: OrganizationID
    /// The metric name.
    public var metricName: String
    /// The tags, all of which are part of the identity.
    public var tags: [String: String]

    /// Creates a key.
    public init(organization: OrganizationID, metricName: String, tags: [String: String]) {
        self.organization = organization
        self.metricName = metricName
        self.tags = tags
    }
}

/// The points of one series in one commit, as parallel arrays (what a real-time engine folds).
public struct SeriesSamples: Sendable {
    /// The series.
    public var key: SeriesKey
    /// Timestamps, in the order the points were committed (not necessarily sorted).
    public var timestamps: [Timestamp]
    /// Values, one per timestamp.
    public var values: [Double]

    /// Creates samples.
    public init(key: SeriesKey, timestamps: [Timestamp] = [], values: [Double] = []) {
        self.key = key
        self.timestamps = timestamps
        self.values = values
    }
}

extension CommittedPoints {
    /// The commit's points grouped by series, series in order of first appearance.
    ///
    /// Computed by the consumer on demand, so publishing stays a constant-time hand-over.
    public func series() -> [SeriesSamples] {
        var index: [SeriesKey: Int] = [:]
        var result: [SeriesSamples] = []
        for batch in batches {
            for point in batch.points {
                let key = SeriesKey(organization: batch.organization, metricName: point.metricName, tags: point.tags)
                let slot: Int
                if let known = index[key] {
                    slot = known
                } else {
                    slot = result.count
                    index[key] = slot
                    result.append(SeriesSamples(key: key))
                }
                result[slot].timestamps.append(point.timestamp)
                result[slot].values.append(point.value)
            }
        }
        return result
    }
}
