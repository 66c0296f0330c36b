import RealModule

/// An ordinary-least-squares line y = intercept + slope·x with the standard error of the slope,
/// so a caller can say whether a trend is real ("+3.2 users/day ± 0.8, 95 %") or noise.
public struct LinearTrend: Sendable, Equatable {
    /// Change of y per unit of x.
    public let slope: Double
    /// Value of the line at x = 0.
    public let intercept: Double
    /// Standard error of the slope (0 for a perfect fit or two points).
    public let slopeStandardError: Double
    /// Coefficient of determination in [0, 1] (1 when y is constant and fits exactly).
    public let rSquared: Double
    /// Number of finite (x, y) pairs used.
    public let count: Int

    /// Fits the line to the pairs where both x and y are finite. `nil` with fewer than two such
    /// pairs or when every x is equal (the slope is undefined).
    public init?(x: [Double], y: [Double]) {
        let pairs = zip(x, y).filter { $0.0.isFinite && $0.1.isFinite }
        guard pairs.count >= 2 else { return nil }
        let n = Double(pairs.count)
        let mx = pairs.reduce(0) { $0 + $1.0 } / n
        let my = pairs.reduce(0) { $0 + $1.1 } / n
        var sxx = 0.0, sxy = 0.0, syy = 0.0
        for (a, b) in pairs {
            sxx += (a - mx) * (a - mx); sxy += (a - mx) * (b - my); syy += (b - my) * (b - my)
        }
        guard sxx > 0 else { return nil }
        slope = sxy / sxx
        intercept = my - slope * mx
        let sse = max(0, syy - slope * sxy)
        slopeStandardError = pairs.count > 2 ? (sse / (n - 2) / sxx).squareRoot() : 0
        rSquared = syy > 0 ? min(1, max(0, 1 - sse / syy)) : 1
        count = pairs.count
    }

    /// Fits the line against the index 0, 1, 2, … of `y`.
    public init?(_ y: [Double]) {
        self.init(x: y.indices.map(Double.init), y: y)
    }

    /// t statistic of the slope (slope / standard error); ±∞ for an exact non-zero fit.
    public var tStatistic: Double {
        slopeStandardError > 0 ? slope / slopeStandardError : (slope == 0 ? 0 : slope.sign == .minus ? -.infinity : .infinity)
    }

    /// Confidence interval of the slope: slope ± z·SE. The default z = 1.96 is the normal
    /// approximation of a 95 % interval, adequate from about 30 points on.
    public func slopeInterval(z: Double = 1.96) -> ClosedRange<Double> {
        let half = abs(z) * slopeStandardError
        return (slope - half)...(slope + half)
    }

    /// Two-sided p-value of "slope = 0" under the normal approximation of the t statistic.
    public var pValue: Double {
        let t = abs(tStatistic)
        guard t.isFinite else { return 0 }
        return Double.erfc(t / 2.0.squareRoot())
    }

    /// The fitted value at `x`.
    public func predict(_ x: Double) -> Double { intercept + slope * x }
}
