public import ChurnGuardCore
public import ChurnGuardStorage

/// Gathers one organization's ``InsightInputs`` from its stores: the catalog of metrics, the
/// daily rollups over `historyDays`, the raw points of the two compared periods (paged, at
/// most `maxPointsPerMetric` per metric: a metric past the budget is left out of the run,
/// named in ``Loaded/skipped``), the firing alerts, and the current period's anomalies (at
/// most ``maxAnomalies``, newest first).
public struct InsightDataLoader: Sendable {
    /// Most anomalies one run reads.
    public static let maxAnomalies = 1_000

    let points: any MetricStore
    let rollups: any RollupStore
    let alerts: any AlertStore
    let anomalies: (any AnomalyStore)?
    let settings: InsightSettings

    /// A loader over the given roles (without `anomalies`, no anomaly is explained).
    public init(points: any MetricStore, rollups: any RollupStore, alerts: any AlertStore, anomalies: (any AnomalyStore)? = nil,
                settings: InsightSettings) {
        self.points = points
        self.rollups = rollups
        self.alerts = alerts
        self.anomalies = anomalies
        self.settings = settings
    }

    /// What a load produced.
    public struct Loaded: Sendable {
        /// The inputs of the run.
        public var inputs: InsightInputs
        /// Metrics left out because they had more points than the budget.
        public var skipped: [String]
    }

    /// Loads the inputs of `organization` as of `asOf`.
    public func load(organization: OrganizationID, asOf: Timestamp) async throws -> Loaded {
        var windows: [MetricWindow] = []
        var skipped: [String] = []
        for summary in try await points.metrics(organization: organization).sorted(by: { $0.metricName < $1.metricName }) {
            try Task.checkCancellation()
            guard let window = try await window(summary.metricName, organization: organization, asOf: asOf) else {
                skipped.append(summary.metricName)
                continue
            }
            windows.append(window)
        }
        let firing = try await alerts.alerts(AlertQuery(states: [.firing], limit: 1_000), organization: organization)
        let recent = try await recentAnomalies(organization: organization, asOf: asOf)
        return Loaded(inputs: InsightInputs(asOf: asOf, metrics: windows, firingAlerts: firing, anomalies: recent), skipped: skipped)
    }

    /// Anomalies that overlap the current period, not marked false, expected or a new normal.
    private func recentAnomalies(organization: OrganizationID, asOf: Timestamp) async throws -> [Anomaly] {
        guard let anomalies else { return [] }
        let query = AnomalyQuery(from: asOf.adding(seconds: -Int64(settings.periodDays) * 86_400), to: asOf,
                                 statuses: [.open, .truePositive], limit: Self.maxAnomalies)
        return try await anomalies.anomalies(query, organization: organization).anomalies
    }

    private func window(_ metric: String, organization: OrganizationID, asOf: Timestamp) async throws -> MetricWindow? {
        var builder = MetricWindowBuilder(metricName: metric, asOf: asOf, periodDays: settings.periodDays)
        var query = PointQuery(metricName: metric, from: builder.from, to: asOf, limit: 10_000)
        var read = 0
        while true {
            let page = try await points.points(query, organization: organization)
            read += page.points.count
            if read > settings.maxPointsPerMetric { return nil }
            for stored in page.points { builder.add(stored.point) }
            guard let next = page.nextCursor else { break }
            query.after = next
        }
        return builder.build(dailyMeans: try await dailyMeans(metric, organization: organization, asOf: asOf))
    }

    /// Daily means of the complete days before `asOf`'s day, oldest first, NaN for a day
    /// without a rollup; empty when no rollup exists yet.
    private func dailyMeans(_ metric: String, organization: OrganizationID, asOf: Timestamp) async throws -> [Double] {
        let end = RollupResolution.day.bucketStart(of: asOf)
        let start = end.adding(seconds: -Int64(settings.historyDays) * 86_400)
        let buckets = try await rollups.rollups(metricName: metric, resolution: .day, from: start, to: end,
                                                limit: settings.historyDays + 1, organization: organization)
        guard !buckets.isEmpty else { return [] }
        var means = Array(repeating: Double.nan, count: settings.historyDays)
        for bucket in buckets {
            let index = Int((bucket.start.microseconds - start.microseconds) / 86_400_000_000)
            if means.indices.contains(index), let mean = bucket.aggregate.average { means[index] = mean }
        }
        return means
    }
}
