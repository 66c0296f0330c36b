/// Walks a series row by row and hands each row the baseline it may use: in causal mode the last
/// `window` finite values before the row; in batch mode all finite values of the series. Rows with
/// a non-finite value, or with too little history, get a silent verdict and are skipped.
enum WindowScan {
    /// The sorted baseline per row (for median/MAD and quartile methods).
    static func sorted(
        _ series: TimeSeries, mode: DetectionMode, settings: DetectionSettings,
        _ judge: (_ x: Double, _ sortedWindow: [Double]) -> PointScore
    ) -> [PointScore] {
        let values = series.values
        switch mode {
        case .batch:
            let all = values.filter(\.isFinite).sorted()
            return values.map { x in
                guard x.isFinite else { return .silent(x, "not a finite value; skipped") }
                guard all.count >= max(2, settings.minimumHistory) else { return .silent(x, "too little history") }
                return judge(x, all)
            }
        case .causal:
            var rolling = RollingQuantiles(capacity: settings.window)
            return values.map { x in
                guard x.isFinite else { return .silent(x, "not a finite value; skipped") }
                defer { rolling.push(x) }
                guard rolling.count >= max(2, settings.minimumHistory) else { return .silent(x, "warming up") }
                return judge(x, rolling.sortedValues)
            }
        }
    }

    /// The mean and standard deviation per row (for the z-score).
    static func moments(
        _ series: TimeSeries, mode: DetectionMode, settings: DetectionSettings,
        _ judge: (_ x: Double, _ mean: Double, _ sd: Double) -> PointScore
    ) -> [PointScore] {
        let values = series.values
        switch mode {
        case .batch:
            let m = TwoPassMoments(values.filter(\.isFinite))
            let sd = (m.variance ?? 0).squareRoot()
            return values.map { x in
                guard x.isFinite else { return .silent(x, "not a finite value; skipped") }
                guard m.count >= max(2, settings.minimumHistory) else { return .silent(x, "too little history") }
                return judge(x, m.mean, sd)
            }
        case .causal:
            var rolling = RollingMoments(capacity: settings.window)
            return values.map { x in
                guard x.isFinite else { return .silent(x, "not a finite value; skipped") }
                defer { rolling.push(x) }
                guard rolling.count >= max(2, settings.minimumHistory),
                      let mean = rolling.mean, let sd = rolling.standardDeviation
                else { return .silent(x, "warming up") }
                return judge(x, mean, sd)
            }
        }
    }
}
