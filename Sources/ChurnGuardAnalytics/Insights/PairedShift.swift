/// Whether paired differences (each customer's current total minus its baseline total) have a
/// mean other than zero: the one-sample t-test t = mean / (s / √n) on n − 1 degrees of freedom.
/// Used to decide that a metric changed at all before explaining who drove the change.
public struct PairedShift: Sendable, Equatable {
    /// Mean difference.
    public let meanDifference: Double
    /// Number of pairs.
    public let count: Int
    /// t statistic and two-sided p-value of "mean difference = 0".
    public let tStatistic: Double, pValue: Double
    /// Standardised effect: mean / standard deviation (±∞ when every difference is equal and not 0).
    public let effectSize: Double

    /// Tests the finite differences; `nil` with fewer than two, or when all are 0.
    public init?(differences: [Double]) {
        let moments = SampleMoments(differences)
        guard moments.count >= 2 else { return nil }
        let sd = moments.standardDeviation
        guard sd > 0 || moments.mean != 0 else { return nil }
        meanDifference = moments.mean
        count = moments.count
        if sd > 0 {
            tStatistic = moments.mean / (sd / Double(moments.count).squareRoot())
            effectSize = moments.mean / sd
        } else {
            tStatistic = moments.mean > 0 ? .infinity : -.infinity
            effectSize = tStatistic
        }
        pValue = StudentT.twoSidedPValue(tStatistic, degreesOfFreedom: Double(moments.count - 1))
    }

    /// Confidence by ``InsightConfidence``.
    public var confidence: Double { InsightConfidence.score(pValue: pValue, sampleSize: count, effectSize: effectSize) }
}
