public import ChurnGuardCore
public import ChurnGuardStorage

/// Reads what one organization's rules are evaluated against, from its stores: current
/// insights, recent anomalies and alerts, the statistics the rules ask for (raw points, paged,
/// at most `maxPointsPerMetric` per window: a window past the budget has no value) and, per
/// target, each customer's latest churn risk and revenue.
public struct RecommendationDataLoader: Sendable {
    let backends: Backends
    let settings: RecommendationSettings
    let book: RecommendationRuleBook

    /// A window that held more points than the run's budget.
    public struct BudgetExceeded: Error, Equatable {
        public var metricName: String
    }

    /// A loader over `backends`.
    public init(backends: Backends, settings: RecommendationSettings, book: RecommendationRuleBook) {
        self.backends = backends
        self.settings = settings
        self.book = book
    }

    /// The inputs of `organization` as of `asOf` for `rules`; `skipped` names statistics left
    /// without a value for the budget.
    public func inputs(organization: OrganizationID, asOf: Timestamp, rules: [RecommendationRule]) async throws
        -> (inputs: RecommendationInputs, skipped: [String]) {
        let window = rules.map { Self.longestEventWindow($0.conditions) }.max() ?? 0
        let insights = try await backends.insights.insights(InsightQuery(limit: settings.maxEvidenceRead), organization: organization, at: asOf)
        var anomalies: [Anomaly] = []
        var alerts: [Alert] = []
        if window > 0 {
            let from = asOf.adding(seconds: -Int64(window) * 86_400)
            var query = AnomalyQuery(from: from, to: asOf.adding(seconds: 1), limit: 1_000)
            while anomalies.count < settings.maxEvidenceRead {
                let page = try await backends.anomalies.anomalies(query, organization: organization)
                anomalies += page.anomalies
                guard let next = page.nextCursor else { break }
                query.after = next
            }
            alerts = try await backends.alerts.alerts(AlertQuery(limit: settings.maxEvidenceRead), organization: organization)
                .filter { ($0.firedAt.map { $0 >= from } ?? false) }
        }
        var statistics: [StatisticKey: Double?] = [:]
        var skipped: [String] = []
        for check in rules.flatMap(\.conditions.statisticChecks) where statistics[StatisticKey(check)] == nil {
            try Task.checkCancellation()
            do {
                statistics[StatisticKey(check)] = .some(try await statistic(check, organization: organization, asOf: asOf))
            } catch let error as BudgetExceeded {
                statistics[StatisticKey(check)] = .some(nil)
                skipped.append(error.metricName)
            }
        }
        return (RecommendationInputs(asOf: asOf, insights: insights, anomalies: anomalies, alerts: alerts, statistics: statistics), skipped)
    }

    /// The statistic `check` asks for, `nil` when undefined.
    func statistic(_ check: StatisticCheck, organization: OrganizationID, asOf: Timestamp) async throws -> Double? {
        let span = Int64(check.windowDays) * 86_400
        let current = try await accumulate(check.metricName, tags: check.tags, from: asOf.adding(seconds: -span), to: asOf,
                                           organization: organization)
        var previous: StatisticAccumulator?
        if check.statistic == .relativeChange {
            previous = try await accumulate(check.metricName, tags: check.tags, from: asOf.adding(seconds: -2 * span),
                                            to: asOf.adding(seconds: -span), organization: organization)
        }
        return current.value(check.statistic, previous: previous)
    }

    func accumulate(_ metric: String, tags: [String: String], from: Timestamp, to: Timestamp, organization: OrganizationID) async throws
        -> StatisticAccumulator {
        var accumulator = StatisticAccumulator(customerTag: book.customerTag)
        try await scan(metric, tags: tags, from: from, to: to, organization: organization) { accumulator.add($0) }
        return accumulator
    }

    /// Each customer of `target` with a churn risk and a revenue point in the last
    /// `customerLookbackDays`: the latest of each.
    public func customers(of target: RecommendationTarget, organization: OrganizationID, asOf: Timestamp) async throws -> [CustomerSnapshot] {
        let tags = target.segment.map { [$0.dimension: $0.value] } ?? [:]
        let from = asOf.adding(seconds: -Int64(settings.customerLookbackDays) * 86_400)
        var risk: [String: (Timestamp, Double, [String: String])] = [:]
        var revenue: [String: (Timestamp, Double)] = [:]
        let customerTag = book.customerTag
        try await scan(book.riskMetric, tags: tags, from: from, to: asOf.adding(seconds: 1), organization: organization) { point in
            guard let id = point.tags[customerTag], point.value.isFinite else { return }
            if let known = risk[id], known.0 > point.timestamp { return }
            risk[id] = (point.timestamp, point.value, point.tags)
        }
        try await scan(book.revenueMetric, tags: tags, from: from, to: asOf.adding(seconds: 1), organization: organization) { point in
            guard let id = point.tags[customerTag], point.value.isFinite else { return }
            if let known = revenue[id], known.0 > point.timestamp { return }
            revenue[id] = (point.timestamp, point.value)
        }
        return risk.compactMap { id, latest in
            revenue[id].map { CustomerSnapshot(id: id, churnRisk: min(1, max(0, latest.1)), mrr: $0.1, tags: latest.2) }
        }.sorted { $0.id < $1.id }
    }

    /// Feeds every point of `metric` carrying `tags` in [from, to) to `body`, page by page.
    /// - Throws: ``BudgetExceeded`` past `maxPointsPerMetric` points.
    func scan(_ metric: String, tags: [String: String], from: Timestamp, to: Timestamp, organization: OrganizationID,
              _ body: (MetricPoint) -> Void) async throws {
        var query = PointQuery(metricName: metric, from: from, to: to, tags: tags, limit: 10_000)
        var read = 0
        while true {
            let page = try await backends.points.points(query, organization: organization)
            read += page.points.count
            if read > settings.maxPointsPerMetric { throw BudgetExceeded(metricName: metric) }
            for stored in page.points { body(stored.point) }
            guard let next = page.nextCursor else { return }
            query.after = next
        }
    }

    /// The longest `within_days` of any anomaly or alert condition, 0 without any.
    static func longestEventWindow(_ condition: RuleCondition) -> Int {
        switch condition {
        case .all(let list), .any(let list): list.map(longestEventWindow).max() ?? 0
        case .anomaly(let match), .alert(let match): match.withinDays
        case .insight, .statistic, .rule: 0
        }
    }
}
