extension StudentT {
    /// The t value whose two-sided tail probability is `1 − level` at `df` degrees of freedom
    /// (1.96 for 95% as df grows), found by bisection on ``twoSidedPValue(_:degreesOfFreedom:)``.
    public static func twoSidedCritical(level: Double, degreesOfFreedom df: Double) -> Double {
        let tail = 1 - min(max(level, 0), 0.999_999)
        var low = 0.0, high = 1_000.0
        for _ in 0..<200 {
            let middle = (low + high) / 2
            if twoSidedPValue(middle, degreesOfFreedom: max(df, 1)) > tail { low = middle } else { high = middle }
        }
        return (low + high) / 2
    }
}
