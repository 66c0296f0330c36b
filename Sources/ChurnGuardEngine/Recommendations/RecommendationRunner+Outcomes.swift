public import ChurnGuardCore
public import ChurnGuardStorage
import Metrics

extension RecommendationRunner {
    /// Measures every accepted recommendation of `organization` whose horizon has passed and
    /// that has no outcome yet; answers those measured. One that cannot be measured yet (too
    /// few customers with data) is tried again at the next run.
    public func trackOutcomes(organization: OrganizationID, asOf: Timestamp) async throws -> [Recommendation] {
        let accepted = try await store.recommendations(RecommendationQuery(status: .accepted, limit: 1_000), organization: organization)
        var measured: [Recommendation] = []
        for recommendation in accepted where recommendation.outcome == nil {
            guard let due = recommendation.outcomeDue, due <= asOf, let start = recommendation.acceptedAt else { continue }
            try Task.checkCancellation()
            let population: [CustomerPeriods]
            do {
                population = try await periods(of: recommendation.target, organization: organization, acceptedAt: start, due: due)
            } catch is RecommendationDataLoader.BudgetExceeded {
                logger.warning("recommendation outcome not measured: its customers exceed the point budget", metadata: [
                    "organization_id": "\(organization)", "recommendation_id": "\(recommendation.id)",
                ])
                continue
            }
            let treatedIDs = Set(recommendation.treatedCustomers ?? recommendation.customers)
            let estimator = OutcomeEstimator(riskBand: settings.outcomeRiskBand, minimumGroup: settings.outcomeMinimumGroup)
            guard let outcome = estimator.estimate(treated: population.filter { treatedIDs.contains($0.id) }, population: population,
                                                   expectedEffect: recommendation.expectedEffect, at: asOf) else { continue }
            if let stored = try await store.updateRecommendation(id: recommendation.id, organization: organization, .outcome(outcome)) {
                measured.append(stored)
                Counter(label: MetricNames.recommendationOutcomes,
                        dimensions: [("organization_id", organization.description), ("category", recommendation.category.rawValue)],
                        factory: factory).increment()
            }
        }
        if !measured.isEmpty { cache.invalidate(organization) }
        return measured
    }

    /// Each customer of `target` with risk and revenue points both in the `outcomePriorDays`
    /// before acceptance and in the last `outcomePriorDays` of the horizon: the means of each.
    func periods(of target: RecommendationTarget, organization: OrganizationID, acceptedAt: Timestamp, due: Timestamp) async throws
        -> [CustomerPeriods] {
        let span = Int64(settings.outcomePriorDays) * 86_400
        let tags = target.segment.map { [$0.dimension: $0.value] } ?? [:]
        let riskBefore = try await means(book.riskMetric, tags: tags, from: acceptedAt.adding(seconds: -span), to: acceptedAt, organization: organization)
        let riskAfter = try await means(book.riskMetric, tags: tags, from: due.adding(seconds: -span), to: due, organization: organization)
        let mrrBefore = try await means(book.revenueMetric, tags: tags, from: acceptedAt.adding(seconds: -span), to: acceptedAt, organization: organization)
        let mrrAfter = try await means(book.revenueMetric, tags: tags, from: due.adding(seconds: -span), to: due, organization: organization)
        return riskBefore.compactMap { id, before in
            guard let after = riskAfter[id], let revenueBefore = mrrBefore[id], let revenueAfter = mrrAfter[id] else { return nil }
            return CustomerPeriods(id: id, tags: before.tags, riskBefore: before.mean, riskAfter: after.mean, mrrBefore: revenueBefore.mean,
                                   mrrAfter: revenueAfter.mean)
        }.sorted { $0.id < $1.id }
    }

    /// The mean of `metric` per customer over [from, to), with the tags of the customer's last point.
    func means(_ metric: String, tags: [String: String], from: Timestamp, to: Timestamp, organization: OrganizationID) async throws
        -> [String: (mean: Double, tags: [String: String])] {
        var sums: [String: (Double, Int, [String: String])] = [:]
        let customerTag = book.customerTag
        try await loader.scan(metric, tags: tags, from: from, to: to, organization: organization) { point in
            guard let id = point.tags[customerTag], point.value.isFinite else { return }
            let known = sums[id] ?? (0, 0, point.tags)
            sums[id] = (known.0 + point.value, known.1 + 1, point.tags)
        }
        return sums.mapValues { (mean: $0.0 / Double($0.1), tags: $0.2) }
    }
}
