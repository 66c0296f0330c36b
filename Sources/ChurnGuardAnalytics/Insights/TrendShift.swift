/// Whether the slope of a metric over the recent window differs from its slope over the
/// baseline window before it ("signups were rising by 3/day, now falling by 2/day").
///
/// Each window gets an ordinary-least-squares line (``LinearTrend``); the difference of the
/// slopes has standard error √(SE₁² + SE₂²) and is tested with t on n₁ + n₂ − 4 degrees of
/// freedom. The confidence interval of each slope is reported as evidence.
public struct TrendShift: Sendable, Equatable {
    /// The baseline and the recent line.
    public let baseline: LinearTrend, recent: LinearTrend
    /// recent slope − baseline slope, per step (a day for daily values).
    public let slopeChange: Double
    /// Standard error of ``slopeChange``.
    public let standardError: Double
    /// t statistic and two-sided p-value of "the slope did not change".
    public let tStatistic: Double, pValue: Double
    /// Degrees of freedom of the test.
    public let degreesOfFreedom: Double

    /// Fits both windows (values one step apart); `nil` when either has fewer than three
    /// finite values.
    public init?(baseline baseValues: [Double], recent recentValues: [Double]) {
        guard let base = LinearTrend(baseValues), let now = LinearTrend(recentValues),
              base.count >= 3, now.count >= 3 else { return nil }
        baseline = base
        recent = now
        slopeChange = now.slope - base.slope
        standardError = (base.slopeStandardError * base.slopeStandardError + now.slopeStandardError * now.slopeStandardError)
            .squareRoot()
        degreesOfFreedom = Double(base.count + now.count - 4)
        if standardError > 0 {
            tStatistic = slopeChange / standardError
        } else {
            tStatistic = slopeChange == 0 ? 0 : (slopeChange > 0 ? .infinity : -.infinity)
        }
        pValue = StudentT.twoSidedPValue(tStatistic, degreesOfFreedom: degreesOfFreedom)
    }

    /// 95 % interval of a line's slope with the t quantile of its own degrees of freedom.
    public static func interval(of line: LinearTrend, level tQuantile: Double? = nil) -> ClosedRange<Double> {
        line.slopeInterval(z: tQuantile ?? StudentT.quantile975(degreesOfFreedom: Double(line.count - 2)))
    }

    /// Whether the change is real: p below `alpha` and the two slopes' 95 % intervals do not
    /// overlap or the direction reversed.
    public func isSignificant(alpha: Double = 0.05) -> Bool {
        guard pValue < alpha else { return false }
        let a = Self.interval(of: baseline), b = Self.interval(of: recent)
        return !a.overlaps(b) || (baseline.slope.sign != recent.slope.sign && (a.lowerBound > 0 || a.upperBound < 0))
    }

    /// Effect in standard units: |t| / √(n₁ + n₂), which grows with the change of slope
    /// relative to the noise and not with the sample alone (∞ for an exact fit).
    public var effectSize: Double {
        let n = Double(baseline.count + recent.count)
        return tStatistic.isFinite ? abs(tStatistic) / n.squareRoot() : .infinity
    }

    /// Confidence by ``InsightConfidence``.
    public var confidence: Double {
        InsightConfidence.score(pValue: pValue, sampleSize: baseline.count + recent.count, effectSize: effectSize)
    }
}

extension StudentT {
    /// The 97.5 % quantile of t (the half-width factor of a 95 % interval), found by bisection
    /// on ``twoSidedPValue(_:degreesOfFreedom:)``; 1.96 for infinite or invalid degrees of freedom.
    public static func quantile975(degreesOfFreedom df: Double) -> Double {
        guard df > 0, df.isFinite else { return 1.959964 }
        var low = 0.0, high = 700.0
        for _ in 0..<100 {
            let mid = (low + high) / 2
            if twoSidedPValue(mid, degreesOfFreedom: df) > 0.05 { low = mid } else { high = mid }
        }
        return (low + high) / 2
    }
}
