/// Whether the latest period of a metric differs from the one before it by more than its
/// day-to-day noise (day over day, week over week).
///
/// With several values in the current period (seven daily means of this week against seven of
/// last week) the two samples are compared by Welch's t-test. With one current value (today
/// against the previous days) it is tested against the prediction interval of the baseline:
/// t = (x − mean) / (s·√(1 + 1/n)) with n − 1 degrees of freedom.
public struct PeriodShift: Sendable, Equatable {
    /// Mean of the baseline period's values.
    public let previousMean: Double
    /// Mean of the current period's values.
    public let currentMean: Double
    /// Values in the baseline and the current period.
    public let previousCount: Int, currentCount: Int
    /// Test statistic and its degrees of freedom.
    public let tStatistic: Double, degreesOfFreedom: Double
    /// Two-sided p-value of "no change".
    public let pValue: Double
    /// Standardised effect: change / pooled standard deviation (Cohen's d; ±∞ when noise is 0).
    public let effectSize: Double

    /// current − previous mean.
    public var absoluteChange: Double { currentMean - previousMean }

    /// Change relative to |previous mean|, `nil` when the previous mean is 0.
    public var relativeChange: Double? { previousMean != 0 ? absoluteChange / abs(previousMean) : nil }

    /// Compares the finite values of two periods; `nil` when the baseline has fewer than two
    /// values, the current period none, or both are constant and equal.
    public init?(previous: [Double], current: [Double]) {
        let base = SampleMoments(previous), now = SampleMoments(current)
        guard base.count >= 2, now.count >= 1 else { return nil }
        previousMean = base.mean
        currentMean = now.mean
        previousCount = base.count
        currentCount = now.count
        let difference = now.mean - base.mean
        if now.count == 1 {
            let scale = base.standardDeviation * (1 + 1 / Double(base.count)).squareRoot()
            degreesOfFreedom = Double(base.count - 1)
            effectSize = Self.ratio(difference, base.standardDeviation)
            tStatistic = Self.ratio(difference, scale)
        } else {
            let a = base.variance / Double(base.count), b = now.variance / Double(now.count)
            let se = (a + b).squareRoot()
            let df = (a + b) * (a + b) / (a * a / Double(base.count - 1) + b * b / Double(now.count - 1))
            degreesOfFreedom = df.isFinite ? df : Double(base.count + now.count - 2)
            let pooled = (((Double(base.count - 1) * base.variance) + Double(now.count - 1) * now.variance)
                / Double(base.count + now.count - 2)).squareRoot()
            effectSize = Self.ratio(difference, pooled)
            tStatistic = Self.ratio(difference, se)
        }
        if tStatistic.isNaN { return nil }
        pValue = StudentT.twoSidedPValue(tStatistic, degreesOfFreedom: degreesOfFreedom)
    }

    /// Whether the change is beyond noise: p below `alpha` and at least `minimumRelativeChange`
    /// of the previous level (a tiny but certain move is not news).
    public func isSignificant(alpha: Double = 0.05, minimumRelativeChange: Double = 0.05) -> Bool {
        guard pValue < alpha else { return false }
        guard let relative = relativeChange else { return absoluteChange != 0 }
        return abs(relative) >= minimumRelativeChange
    }

    /// Confidence by ``InsightConfidence`` from this test's p-value, sample and effect.
    public var confidence: Double {
        InsightConfidence.score(pValue: pValue, sampleSize: previousCount + currentCount, effectSize: effectSize)
    }

    private static func ratio(_ numerator: Double, _ denominator: Double) -> Double {
        if denominator > 0 { return numerator / denominator }
        return numerator == 0 ? .nan : (numerator > 0 ? .infinity : -.infinity)
    }
}
