/// Walks a series row by row and hands each row the baseline it may use: in causal mode the last
/// `window` finite values before the row; in batch mode all finite values of the series. Rows with
/// a non-finite value, or with too little history, get a silent verdict and are skipped.
enum WindowScan {
    /// The sorted baseline per row (for median/MAD and quartile methods), in batch mode.
    static func sorted(
        _ series: TimeSeries, settings: DetectionSettings, _ judge: (_ x: Double, _ sortedWindow: [Double]) -> PointScore
    ) -> [PointScore] {
        let values = series.values
        let all = values.filter(\.isFinite).sorted()
        return values.map { x in
            guard x.isFinite else { return .silent(x, "not a finite value; skipped") }
            guard all.count >= max(2, settings.minimumHistory) else { return .silent(x, "too little history") }
            return judge(x, all)
        }
    }

    /// The mean and standard deviation per row (for the z-score), in batch mode.
    static func moments(
        _ series: TimeSeries, settings: DetectionSettings, _ judge: (_ x: Double, _ mean: Double, _ sd: Double) -> PointScore
    ) -> [PointScore] {
        let values = series.values
        let m = TwoPassMoments(values.filter(\.isFinite))
        let sd = (m.variance ?? 0).squareRoot()
        return values.map { x in
            guard x.isFinite else { return .silent(x, "not a finite value; skipped") }
            guard m.count >= max(2, settings.minimumHistory) else { return .silent(x, "too little history") }
            return judge(x, m.mean, sd)
        }
    }

    /// One causal row against the sorted window of the finite values before it; the value then
    /// joins the window.
    static func step(_ window: inout RollingQuantiles, _ x: Double, settings: DetectionSettings,
                     _ judge: (_ x: Double, _ sortedWindow: [Double]) -> PointScore) -> PointScore {
        guard x.isFinite else { return .silent(x, "not a finite value; skipped") }
        defer { window.push(x) }
        guard window.count >= max(2, settings.minimumHistory) else { return .silent(x, "warming up") }
        return judge(x, window.sortedValues)
    }

    /// One causal row against the mean and standard deviation of the finite values before it;
    /// the value then joins the window.
    static func step(_ window: inout RollingMoments, _ x: Double, settings: DetectionSettings,
                     _ judge: (_ x: Double, _ mean: Double, _ sd: Double) -> PointScore) -> PointScore {
        guard x.isFinite else { return .silent(x, "not a finite value; skipped") }
        defer { window.push(x) }
        guard window.count >= max(2, settings.minimumHistory), let mean = window.mean, let sd = window.standardDeviation
        else { return .silent(x, "warming up") }
        return judge(x, mean, sd)
    }
}
