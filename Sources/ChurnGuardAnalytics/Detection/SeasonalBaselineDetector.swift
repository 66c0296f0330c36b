/// Seasonal baseline: the expected value of a row is the median of earlier values in the same
/// bucket of the cycle (by default the same hour of the day), and the row's strength is its
/// residual from that expectation in robust-σ units: the larger of the spread of recent residuals
/// and (in causal mode) the spread of the bucket itself, so hours that are always noisier need a
/// larger deviation. A regular daily cycle is thus part of the expectation and does not fire; a
/// value unusual *for that time of day* does.
///
/// Rows without a finite timestamp, and series shorter than `minimumCycles` cycles, never vote.
/// Timestamps need not be sorted: each row goes to its own bucket.
public struct SeasonalBaselineDetector: AnomalyDetector {
    /// Shared settings; `settings.seasonal` holds the cycle and bucket options.
    public let settings: DetectionSettings
    /// Creates the detector.
    public init(settings: DetectionSettings = .init()) { self.settings = settings }
    /// `.seasonal`.
    public var method: DetectionMethod { .seasonal }

    /// Bucket index of a timestamp within the cycle, or `nil` when it cannot be placed.
    func bucket(_ t: Double) -> Int? { CycleProfile.bucket(t, settings.seasonal) }

    /// Scores each row against its bucket's expectation.
    public func scores(_ series: TimeSeries, mode: DetectionMode) -> [PointScore] {
        switch mode {
        case .causal:
            var scan = makeScan()
            return scan.run(series)
        case .batch: return batch(series)
        }
    }

    /// The causal scan before the first row; with `sharedProfile` it keeps no profile of its own
    /// and reads the ensemble's (``CausalScan/step(_:_:seasonal:)``).
    func makeScan(sharedProfile: Bool = false) -> Scan {
        Scan(detector: self, profile: sharedProfile ? nil : SeasonalProfile(options: settings.seasonal),
             residuals: RollingQuantiles(capacity: settings.window))
    }

    /// The causal scan: the profile of the cycle's buckets (nil: the ensemble's is read) and the
    /// window of recent residuals.
    struct Scan: CausalScan {
        let detector: SeasonalBaselineDetector
        var profile: SeasonalProfile?
        var residuals: RollingQuantiles

        mutating func step(_ t: Double, _ x: Double) -> PointScore { step(t, x, seasonal: nil) }

        mutating func step(_ t: Double, _ x: Double, seasonal: SeasonalProfile.Reading?) -> PointScore {
            let settings = detector.settings
            guard x.isFinite else { return .silent(x, "not a finite value; skipped") }
            guard detector.bucket(t) != nil else { return .silent(x, "no usable timestamp") }
            let reading = profile == nil ? seasonal : profile?.observe(t, x)
            guard let (expected, mature, spread) = reading else {
                return .silent(x, "warming up: fewer than \(ScoreScale.format(settings.seasonal.minimumCycles)) cycles")
            }
            let residual = x - expected
            defer { residuals.push(residual) }
            guard mature, residuals.count >= max(2, settings.minimumHistory) else {
                return .silent(x, "warming up: fewer than \(ScoreScale.format(settings.seasonal.minimumCycles)) cycles")
            }
            return detector.judge(x, expected: expected, residual: residual, residuals: residuals.sortedValues, bucketSpread: spread)
        }
    }

    /// Batch: one profile from all rows, by hour of the week when `weekly` is on and the series
    /// spans `minimumCycles` weeks, otherwise by hour of the day.
    private func batch(_ series: TimeSeries) -> [PointScore] {
        var o = settings.seasonal
        var grouped: [Int: [Double]] = [:]
        let finiteTimes = series.timestamps.filter(\.isFinite)
        let span = (finiteTimes.max() ?? 0) - (finiteTimes.min() ?? 0)
        if o.weekly, o.period < 604_800, span >= o.minimumCycles * 604_800 { o.period = 604_800 }
        func bucket(_ t: Double) -> Int? { CycleProfile.bucket(t, o) }
        for (t, x) in zip(series.timestamps, series.values) where x.isFinite {
            if let b = bucket(t) { grouped[b, default: []].append(x) }
        }
        let profile = grouped.mapValues { (Quantile.median($0) ?? 0, $0.count) }
        var residuals: [Double] = []
        for (t, x) in zip(series.timestamps, series.values) where x.isFinite {
            if let b = bucket(t), let p = profile[b] { residuals.append(x - p.0) }
        }
        residuals.sort()
        return zip(series.timestamps, series.values).map { t, x in
            guard x.isFinite else { return .silent(x, "not a finite value; skipped") }
            guard let b = bucket(t), let p = profile[b] else { return .silent(x, "no usable timestamp") }
            guard span >= o.minimumCycles * o.period, p.1 >= o.minimumBucketValues,
                  residuals.count >= max(2, settings.minimumHistory)
            else { return .silent(x, "too little history for a seasonal profile") }
            return judge(x, expected: p.0, residual: x - p.0, residuals: residuals)
        }
    }

    fileprivate func judge(
        _ x: Double, expected: Double, residual: Double, residuals sorted: [Double], bucketSpread: Double = 0
    ) -> PointScore {
        let center = Quantile.sorted(sorted, 0.5) ?? 0
        var scale = RobustStatistics.mad(sorted: sorted, median: center) * RobustStatistics.madToSigma
        if scale <= 0 {
            scale = RobustStatistics.meanAbsoluteDeviation(sorted, around: center) * 1.2533141373155
        }
        scale = max(scale, bucketSpread, settings.scaleFloor(around: expected))
        var v = ScoreScale.verdict(method: .seasonal, observed: x, expected: expected + center,
                                   deviation: residual - center, scale: scale, unit: "seasonal z", settings: settings)
        v.explanation = "for this time of the cycle " + v.explanation
        return v
    }
}

/// The causal expectation of the seasonal baseline: per bucket of the cycle (by default each hour
/// of the day), the median of that bucket's last `valuesPerBucket` values. With `weekly` on, an
/// hour-of-week profile runs beside it and takes over once it is mature (two weeks of history and
/// enough values in its bucket), so weekday/weekend differences stop looking anomalous.
/// Shared by the seasonal detector and by the series features of the multivariate methods.
struct SeasonalProfile: Sendable {
    /// A row's expectation from the rows before it, whether the profile is mature enough to vote
    /// on it, and the spread of its bucket (0 when not asked for).
    typealias Reading = (expected: Double, mature: Bool, spread: Double)

    private var daily: CycleProfile
    private var weekly: CycleProfile?

    init(options: SeasonalOptions) {
        daily = CycleProfile(options: options)
        if options.weekly, options.period < 604_800 {
            var w = options
            w.period = 604_800
            weekly = CycleProfile(options: w)
        }
    }

    /// The expectation for a row at time `t` from earlier rows only, then records the row. The
    /// bucket's spread is computed only when `spread` is asked for (0 otherwise).
    mutating func observe(_ t: Double, _ x: Double, spread: Bool = true) -> (expected: Double, mature: Bool, spread: Double)? {
        let d = daily.observe(t, x, spread: spread)
        if let w = weekly?.observe(t, x, spread: spread), w.mature { return w }
        return d
    }
}

/// One cycle's bucketed trailing medians.
struct CycleProfile: Sendable {
    let options: SeasonalOptions
    private var buckets: [Int: RollingQuantiles] = [:]
    private var first = Double.infinity
    private var last = -Double.infinity
    /// With a history limit: the bucket and time of every value kept, and how many of them
    /// each bucket has.
    private var kept: HistoryRing?
    private var recorded: [Int: Int] = [:]

    init(options: SeasonalOptions) { self.options = options }

    /// Bucket index of a timestamp within the cycle, or `nil` when it cannot be placed.
    static func bucket(_ t: Double, _ o: SeasonalOptions) -> Int? {
        guard t.isFinite, o.period > 0, o.bucketWidth > 0 else { return nil }
        var phase = t.truncatingRemainder(dividingBy: o.period)
        if phase < 0 { phase += o.period }
        let b = (phase / o.bucketWidth).rounded(.down)
        return b >= 0 && b < 1_000_000 ? Int(b) : nil
    }

    /// The expectation for a row at time `t` from earlier rows only, then records the row.
    /// `mature` says whether the history spans `minimumCycles` and the bucket holds enough values.
    /// Rows without a usable time or value return `nil` and are not recorded.
    mutating func observe(_ t: Double, _ x: Double, spread wanted: Bool = true) -> (expected: Double, mature: Bool, spread: Double)? {
        guard x.isFinite, let b = Self.bucket(t, options) else { return nil }
        first = min(first, t); last = max(last, t)
        var result: (expected: Double, mature: Bool, spread: Double)?
        if let values = buckets[b], let expected = values.quantile(0.5) {
            let mature = last - first >= options.minimumCycles * options.period && values.count >= options.minimumBucketValues
            let spread = wanted ? RobustStatistics.mad(sorted: values.sortedValues, median: expected) * RobustStatistics.madToSigma : 0
            result = (expected, mature, spread)
        }
        // In place: a copy taken out of the dictionary and stored back would copy the bucket's
        // arrays at every row.
        buckets[b, default: RollingQuantiles(capacity: options.valuesPerBucket)].push(x)
        if let limit = options.historyLimit { forgetBeyond(max(1, limit), adding: (b, t)) }
        return result
    }

    /// Records the value just added to bucket `b` at time `t`, dropping the oldest value kept
    /// when `limit` are kept already; the history span starts at the oldest value left.
    private mutating func forgetBeyond(_ limit: Int, adding entry: (bucket: Int, time: Double)) {
        if kept == nil { kept = HistoryRing(capacity: limit) }
        recorded[entry.bucket, default: 0] += 1
        if let oldest = kept?.append(bucket: entry.bucket, time: entry.time) {
            let left = (recorded[oldest] ?? 1) - 1
            recorded[oldest] = left == 0 ? nil : left
            // The bucket holds its last `count` values; when that is more than the records left,
            // the oldest of them is this one (otherwise the bucket's own capacity dropped it).
            if let held = buckets[oldest]?.count, held > left {
                if held == 1 { buckets[oldest] = nil } else { buckets[oldest]?.removeOldest() }
            }
        }
        first = kept?.oldestTime ?? first
    }
}

/// The buckets and times of a profile's last `capacity` values, oldest first.
private struct HistoryRing: Sendable {
    let capacity: Int
    private var buckets: [Int32] = []
    private var times: [Double] = []
    private var head = 0

    init(capacity: Int) {
        self.capacity = max(1, capacity)
    }

    /// Records a value; returns the bucket of the value it pushed out, if the ring was full.
    mutating func append(bucket: Int, time: Double) -> Int? {
        if buckets.count < capacity {
            if buckets.count == buckets.capacity {
                let target = min(capacity, max(16, buckets.count * 2))
                buckets.reserveCapacity(target)
                times.reserveCapacity(target)
            }
            buckets.append(Int32(truncatingIfNeeded: bucket))
            times.append(time)
            return nil
        }
        let out = Int(buckets[head])
        buckets[head] = Int32(truncatingIfNeeded: bucket)
        times[head] = time
        head = (head + 1) % capacity
        return out
    }

    /// The time of the oldest value kept.
    var oldestTime: Double? { times.isEmpty ? nil : times[head] }
}
