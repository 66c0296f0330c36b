public import ChurnGuardAnalytics
public import ChurnGuardCore

extension RealtimeEngine {
    /// The live series of one metric of `organization` whose tags include every tag of
    /// `filter`, at most `limit` of them (ordered by their tags, for stable answers).
    public struct Snapshot: Sendable {
        /// Matching series with their statistics.
        public var series: [LiveSeriesStatistics]
        /// Whether more series matched than `limit`.
        public var truncated: Bool
        /// Whether the organization's series cap refused series of this metric.
        public var refusedByCap: Bool
    }

    /// Statistics of the matching series; percentiles and trends are computed outside the lock.
    public func snapshot(organization: OrganizationID, metricName: String, filter: [String: String] = [:],
                         limit: Int = .max) -> Snapshot {
        let (windows, refused) = state.withLock { state -> ([(LiveSeriesKey, SeriesWindow)], Bool) in
            guard let organizationWindows = state.organizations[organization] else { return ([], false) }
            let matching = organizationWindows.series.slots(ofMetric: metricName).compactMap { slot -> (LiveSeriesKey, SeriesWindow)? in
                let key = slot.key
                return key.matches(filter) ? (key, slot.window) : nil
            }
            return (matching, organizationWindows.refusedMetrics.contains(metricName))
        }
        // The order key is built once per series, not once per comparison (a sort of n series
        // compares about n log n times; building the key in the comparison dominated the
        // stream's statistics pushes under load).
        let ordered = windows.map { (order: Self.tagOrder($0.0.tags), series: $0) }
            .sorted { $0.order < $1.order }
            .map(\.series)
        let chosen = ordered.prefix(max(0, limit))
        let series = chosen.compactMap { key, window in
            window.statistics().map { LiveSeriesStatistics(key: key, statistics: $0) }
        }
        return Snapshot(series: series, truncated: ordered.count > chosen.count, refusedByCap: refused)
    }

    /// Statistics of one exact series, `nil` when it is not live.
    public func statistics(organization: OrganizationID, key: LiveSeriesKey) -> WindowStatistics? {
        let window = state.withLock { $0.organizations[organization]?.series.window(of: key) }
        return window?.statistics()
    }

    /// Evicts every series that received no point since `now − cleanupIntervalSeconds`;
    /// returns how many were evicted.
    @discardableResult
    public func evictIdle(now: Int64) -> Int {
        let cutoff = now - Int64(options.cleanupIntervalSeconds) * 1_000_000
        let evicted = state.withLock { state -> Int in
            var evicted = 0
            for organization in Array(state.organizations.keys) {
                guard var windows = state.organizations.removeValue(forKey: organization) else { continue }
                evicted += windows.series.removeAll { $0.lastSeen < cutoff }
                if windows.seriesCount < options.maxSeriesPerOrganization { windows.refusedMetrics = [] }
                if windows.seriesCount > 0 || windows.refusedSeries > 0 { state.organizations[organization] = windows }
            }
            state.liveSeries -= evicted
            return evicted
        }
        if evicted > 0 {
            evictedCounter.increment(by: evicted)
            liveGauge.record(liveSeries)
        }
        return evicted
    }

    /// Bytes held by every window's points (an estimate of the engine's memory, for the
    /// memory-per-series measurement; excludes dictionary and key overhead).
    public var windowBytes: Int {
        state.withLock { state in
            state.organizations.values.reduce(0) { sum, windows in
                sum + windows.series.slots.reduce(0) { $0 + $1.window.allocatedBytes }
            }
        }
    }

    static func tagOrder(_ tags: [String: String]) -> String {
        tags.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: "\u{1}")
    }
}

extension RealtimeEngine {
    /// One live series' newest value.
    public struct NewestValue: Sendable {
        /// Whose series.
        public var organization: OrganizationID
        /// The series.
        public var key: LiveSeriesKey
        /// Its newest value (by time).
        public var value: Double
    }

    /// The newest value of every live series (the alert evaluator's start-up pass).
    public func newestValues() -> [NewestValue] {
        state.withLock { state in
            state.organizations.flatMap { organization, windows in
                windows.series.slots.compactMap { slot in
                    slot.window.last.map { NewestValue(organization: organization, key: slot.key, value: $0.value) }
                }
            }
        }
    }
}
