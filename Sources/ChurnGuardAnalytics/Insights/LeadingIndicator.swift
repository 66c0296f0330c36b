import RealModule

/// Whether changes of one metric (activity, logins, tickets) preceded changes of another
/// (churn risk) in an organization's own history: the lagged Pearson correlation of x at day t
/// with y at day t + lag, for lags 1…maxLag, with a significance test.
///
/// Series are compared by their day-to-day differences by default, so two series that merely
/// trend together do not look related. For each lag, r over the n overlapping pairs is tested
/// with t = r·√((n − 2)/(1 − r²)) on n − 2 degrees of freedom; the best lag (largest |r|) keeps
/// a Bonferroni-corrected p-value (times the number of lags tried), so trying many lags does
/// not manufacture a finding.
public struct LeadingIndicator: Sendable, Equatable {
    /// The lag (steps) of the strongest correlation.
    public let lag: Int
    /// Pearson's r at that lag.
    public let correlation: Double
    /// Pairs used at that lag.
    public let pairs: Int
    /// Bonferroni-corrected two-sided p-value of "r = 0".
    public let pValue: Double
    /// r at every lag tried (index 0 is lag 1); NaN where undefined.
    public let correlations: [Double]

    /// Finds the best lag; `nil` when the series have different lengths, no lag leaves at
    /// least four pairs, or every lag's r is undefined (a constant series).
    public init?(leading x: [Double], following y: [Double], maxLag: Int, differenced: Bool = true) {
        guard x.count == y.count, maxLag >= 1 else { return nil }
        let a = differenced ? Self.differences(x) : x
        let b = differenced ? Self.differences(y) : y
        var best: (lag: Int, r: Double, n: Int)?
        var all: [Double] = []
        for lag in 1...maxLag {
            guard a.count - lag >= 4 else { all.append(.nan); continue }
            let lead = Array(a[0..<(a.count - lag)]), follow = Array(b[lag..<b.count])
            let (r, n) = Self.pearson(lead, follow)
            all.append(r)
            if r.isFinite, best.map({ abs(r) > abs($0.r) }) ?? true { best = (lag, r, n) }
        }
        guard let chosen = best else { return nil }
        lag = chosen.lag
        correlation = chosen.r
        pairs = chosen.n
        correlations = all
        let tried = all.filter(\.isFinite).count
        pValue = min(1, Self.pValue(r: chosen.r, n: chosen.n) * Double(tried))
    }

    /// Two-sided p-value of Pearson's r over n pairs (1 with fewer than three pairs).
    public static func pValue(r: Double, n: Int) -> Double {
        guard n >= 3, r.isFinite else { return 1 }
        if abs(r) >= 1 { return 0 }
        let t = r * (Double(n - 2) / (1 - r * r)).squareRoot()
        return StudentT.twoSidedPValue(t, degreesOfFreedom: Double(n - 2))
    }

    /// Pearson's r over the pairs where both values are finite, and their number; NaN when
    /// either side is constant or fewer than two pairs remain.
    public static func pearson(_ x: [Double], _ y: [Double]) -> (r: Double, n: Int) {
        let pairs = zip(x, y).filter { $0.0.isFinite && $0.1.isFinite }
        guard pairs.count >= 2 else { return (.nan, pairs.count) }
        let n = Double(pairs.count)
        let mx = pairs.reduce(0) { $0 + $1.0 } / n, my = pairs.reduce(0) { $0 + $1.1 } / n
        var sxy = 0.0, sxx = 0.0, syy = 0.0
        for (u, v) in pairs {
            sxy += (u - mx) * (v - my); sxx += (u - mx) * (u - mx); syy += (v - my) * (v - my)
        }
        guard sxx > 0, syy > 0 else { return (.nan, pairs.count) }
        return (sxy / (sxx * syy).squareRoot(), pairs.count)
    }

    /// Whether the relation is significant at `alpha` (after the correction) and at least
    /// `minimumCorrelation` strong.
    public func isSignificant(alpha: Double = 0.05, minimumCorrelation: Double = 0.3) -> Bool {
        pValue < alpha && abs(correlation) >= minimumCorrelation
    }

    /// Confidence by ``InsightConfidence`` with Fisher's z = atanh|r| as the effect size.
    public var confidence: Double {
        let r = min(abs(correlation), 0.999_999)
        let fisher = Double.atanh(r)
        return InsightConfidence.score(pValue: pValue, sampleSize: pairs, effectSize: fisher)
    }

    private static func differences(_ values: [Double]) -> [Double] {
        values.count < 2 ? [] : (1..<values.count).map { values[$0] - values[$0 - 1] }
    }
}
