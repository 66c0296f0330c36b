/// The causal expectation of the seasonal baseline: per bucket of the cycle (by default each hour
/// of the day), the median of that bucket's last `valuesPerBucket` values. Shared by the seasonal
/// detector and by the series features of the multivariate methods.
struct SeasonalProfile: Sendable {
    let options: SeasonalOptions
    private var buckets: [Int: RollingQuantiles] = [:]
    private var first = Double.infinity
    private var last = -Double.infinity

    init(options: SeasonalOptions) { self.options = options }

    /// Bucket index of a timestamp within the cycle, or `nil` when it cannot be placed.
    static func bucket(_ t: Double, _ o: SeasonalOptions) -> Int? {
        guard t.isFinite, o.period > 0, o.bucketWidth > 0 else { return nil }
        var phase = t.truncatingRemainder(dividingBy: o.period)
        if phase < 0 { phase += o.period }
        let b = Int((phase / o.bucketWidth).rounded(.down))
        return b >= 0 && b < 1_000_000 ? b : nil
    }

    /// The expectation for a row at time `t` from earlier rows only, then records the row.
    /// `mature` says whether the history spans `minimumCycles` and the bucket holds enough values.
    /// Rows without a usable time or value return `nil` and are not recorded.
    mutating func observe(_ t: Double, _ x: Double) -> (expected: Double, mature: Bool)? {
        guard x.isFinite, let b = Self.bucket(t, options) else { return nil }
        first = min(first, t); last = max(last, t)
        var values = buckets[b] ?? RollingQuantiles(capacity: options.valuesPerBucket)
        let expected = values.quantile(0.5)
        let mature = last - first >= options.minimumCycles * options.period && values.count >= options.minimumBucketValues
        values.push(x)
        buckets[b] = values
        return expected.map { ($0, mature) }
    }
}
