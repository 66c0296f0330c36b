public import ChurnGuardAnalytics
public import ChurnGuardCore

/// One customer's mean churn risk and revenue before an acceptance and at the end of the
/// horizon, with the tags controls are matched on.
public struct CustomerPeriods: Sendable, Hashable {
    public var id: String
    public var tags: [String: String]
    public var riskBefore: Double, riskAfter: Double
    public var mrrBefore: Double, mrrAfter: Double

    /// Creates the periods of one customer.
    public init(id: String, tags: [String: String], riskBefore: Double, riskAfter: Double, mrrBefore: Double, mrrAfter: Double) {
        self.id = id
        self.tags = tags
        self.riskBefore = riskBefore
        self.riskAfter = riskAfter
        self.mrrBefore = mrrBefore
        self.mrrAfter = mrrAfter
    }
}

/// Measures what an accepted recommendation achieved (docs/RECOMMENDATIONS.md, "Outcome"):
/// the treated customers against comparable untreated ones — the same value of every
/// `matchTags` tag (segment, plan) as some treated customer and a prior churn risk within
/// `riskBand` of that customer's — by difference in differences of churn risk and of revenue.
public struct OutcomeEstimator: Sendable {
    /// Tags a control must share with a treated customer.
    public var matchTags: [String]
    /// Largest distance of prior churn risk between a control and a treated customer.
    public var riskBand: Double
    /// Fewest customers per group.
    public var minimumGroup: Int

    /// Creates an estimator.
    public init(matchTags: [String] = ["segment", "plan"], riskBand: Double = 0.1, minimumGroup: Int = 5) {
        self.matchTags = matchTags
        self.riskBand = riskBand
        self.minimumGroup = max(2, minimumGroup)
    }

    /// The controls for `treated` among `population` (treated customers excluded).
    public func controls(for treated: [CustomerPeriods], in population: [CustomerPeriods]) -> [CustomerPeriods] {
        let treatedIDs = Set(treated.map(\.id))
        var byKey: [[String?]: [Double]] = [:]
        for customer in treated { byKey[key(customer), default: []].append(customer.riskBefore) }
        return population.filter { candidate in
            guard !treatedIDs.contains(candidate.id), let risks = byKey[key(candidate)] else { return false }
            return risks.contains { abs($0 - candidate.riskBefore) <= riskBand }
        }
    }

    /// The outcome, `nil` when either group is smaller than `minimumGroup`. `expectedEffect` is
    /// the rule's relative effect; the measured effect is the reduction of churn risk (control's
    /// change minus treated's), positive when the action helped.
    public func estimate(treated: [CustomerPeriods], population: [CustomerPeriods], expectedEffect: Double, at time: Timestamp)
        -> RecommendationOutcome? {
        let control = controls(for: treated, in: population)
        guard treated.count >= minimumGroup, control.count >= minimumGroup,
              let risk = DifferenceInDifferences(treated: treated.map { ($0.riskBefore, $0.riskAfter) },
                                                 control: control.map { ($0.riskBefore, $0.riskAfter) }),
              let revenue = DifferenceInDifferences(treated: treated.map { ($0.mrrBefore, $0.mrrAfter) },
                                                    control: control.map { ($0.mrrBefore, $0.mrrAfter) }) else { return nil }
        let prior = treated.reduce(0) { $0 + $1.riskBefore } / Double(treated.count)
        return RecommendationOutcome(
            evaluatedAt: time, treated: treated.count, control: control.count, measuredEffect: rounded(-risk.estimate),
            ciLow: rounded(-risk.high), ciHigh: rounded(-risk.low), expectedEffect: rounded(expectedEffect * prior),
            retainedMRRDifference: rounded(revenue.estimate), treatedPriorRisk: rounded(prior))
    }

    func key(_ customer: CustomerPeriods) -> [String?] { matchTags.map { customer.tags[$0] } }

    func rounded(_ value: Double) -> Double { (value * 1_000_000).rounded() / 1_000_000 }
}
