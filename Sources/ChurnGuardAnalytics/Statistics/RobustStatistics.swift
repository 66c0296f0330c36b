/// Location and scale estimates that a few outliers cannot move: median, median absolute
/// deviation (MAD) and interquartile range (IQR).
public enum RobustStatistics {
    /// 1 / Φ⁻¹(0.75): scales the MAD of normal data to its standard deviation.
    public static let madToSigma = 1.482602218505602
    /// Φ⁻¹(0.75): the modified z-score of Iglewicz and Hoaglin is 0.6745·(x − median)/MAD.
    public static let modifiedZFactor = 0.6744897501960817
    /// IQR / σ for normal data (2·Φ⁻¹(0.75)).
    public static let iqrPerSigma = 1.3489795003921634

    /// Median and MAD of the finite values, or `nil` when there are none.
    public static func medianAndMAD(_ values: [Double]) -> (median: Double, mad: Double)? {
        let finite = values.filter(\.isFinite).sorted()
        guard let med = Quantile.sorted(finite, 0.5) else { return nil }
        let deviations = finite.map { abs($0 - med) }.sorted()
        return (med, Quantile.sorted(deviations, 0.5) ?? 0)
    }

    /// Median and MAD of an already sorted finite array, or `nil` when empty.
    public static func medianAndMAD(sorted: [Double]) -> (median: Double, mad: Double)? {
        guard let med = Quantile.sorted(sorted, 0.5) else { return nil }
        let deviations = sorted.map { abs($0 - med) }.sorted()
        return (med, Quantile.sorted(deviations, 0.5) ?? 0)
    }

    /// Mean absolute deviation around `center`, the fallback scale when the MAD is 0
    /// (more than half of the values equal). 0 when empty.
    public static func meanAbsoluteDeviation(_ values: [Double], around center: Double) -> Double {
        let finite = values.filter(\.isFinite)
        guard !finite.isEmpty else { return 0 }
        return finite.reduce(0) { $0 + abs($1 - center) } / Double(finite.count)
    }
}

extension RobustStatistics {
    /// The MAD of an ascending finite array around its median, in O(n): the deviations left and
    /// right of the median are two ascending runs, merged only as far as their median.
    public static func mad(sorted a: [Double], median m: Double) -> Double {
        let n = a.count
        guard n > 1 else { return 0 }
        // Split point: left run a[l], a[l-1], … (deviations m − a), right run a[r], a[r+1], …
        var r = RollingQuantiles.lowerBound(a, m)
        var l = r - 1
        let lo = (n - 1) / 2, hi = n / 2
        var k = 0, low = 0.0, high = 0.0
        while k <= hi {
            let dl = l >= 0 ? m - a[l] : .infinity
            let dr = r < n ? a[r] - m : .infinity
            let d: Double
            if dl <= dr { d = dl; l -= 1 } else { d = dr; r += 1 }
            if k == lo { low = d }
            if k == hi { high = d }
            k += 1
        }
        return (low + high) / 2
    }
}
