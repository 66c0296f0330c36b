import RealModule

/// The evidence behind an insight, reduced to the three numbers every kind can supply.
public struct InsightEvidenceStrength: Sendable, Equatable {
    /// p-value of the kind's test (0 = certain, 1 = no evidence).
    public var pValue: Double
    /// Number of observations the test used (days, customers, pairs).
    public var sampleSize: Int
    /// Size of the effect in standard units (|Cohen's d|, |t|/√n, |r|·√… as each kind documents).
    public var effectSize: Double

    /// Creates the evidence summary.
    public init(pValue: Double, sampleSize: Int, effectSize: Double) {
        self.pValue = pValue
        self.sampleSize = sampleSize
        self.effectSize = effectSize
    }
}

/// Maps statistical evidence to a confidence in [0, 1] by one documented, monotone rule
/// (docs/INSIGHTS.md), so confidences of different kinds are comparable and an operator's
/// `confidence_threshold` means the same for all of them:
///
///     significance = 1 − p                       (p clamped to [0, 1])
///     support      = 1 − exp(−n / 10)            (7 observations → 0.50, 30 → 0.95)
///     magnitude    = 1 − exp(−2·|effect|)        (effect 0.5 → 0.63, 1 → 0.86, 2 → 0.98)
///     confidence   = significance^½ · support^¼ · magnitude^¼
///
/// Each factor rises with its evidence, so the confidence never falls when p falls or the
/// sample or the effect grows; any factor at 0 (p = 1, no data, no effect) gives 0.
public enum InsightConfidence {
    /// The confidence of `evidence`.
    public static func score(_ evidence: InsightEvidenceStrength) -> Double {
        let p = evidence.pValue.isNaN ? 1 : min(1, max(0, evidence.pValue))
        let significance = 1 - p
        let support = 1 - Double.exp(-Double(max(0, evidence.sampleSize)) / 10)
        let effect = evidence.effectSize.isNaN ? 0 : abs(evidence.effectSize)
        let magnitude = effect.isInfinite ? 1 : 1 - Double.exp(-2 * effect)
        let value = significance.squareRoot() * Double.root(support, 4) * Double.root(magnitude, 4)
        return min(1, max(0, value))
    }

    /// The confidence of a p-value, sample size and effect size.
    public static func score(pValue: Double, sampleSize: Int, effectSize: Double) -> Double {
        score(InsightEvidenceStrength(pValue: pValue, sampleSize: sampleSize, effectSize: effectSize))
    }
}
