public import ChurnGuardAnalytics

/// One live series of an organization: a metric with one exact set of tags.
public struct LiveSeriesKey: Hashable, Sendable {
    /// The metric name.
    public var metricName: String
    /// Every tag of the series.
    public var tags: [String: String]

    /// Creates a key.
    public init(metricName: String, tags: [String: String]) {
        self.metricName = metricName
        self.tags = tags
    }

    /// Whether every tag of `filter` is on this series with the same value.
    public func matches(_ filter: [String: String]) -> Bool {
        filter.allSatisfy { tags[$0.key] == $0.value }
    }
}

/// A series' statistics with its identity, as answered by the engine.
public struct LiveSeriesStatistics: Sendable {
    /// The series.
    public var key: LiveSeriesKey
    /// Its window's statistics.
    public var statistics: WindowStatistics
}
