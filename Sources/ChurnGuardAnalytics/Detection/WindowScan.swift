/// Walks a series row by row and hands each row the baseline it may use: in causal mode the last
/// `window` finite values before the row; in batch mode all finite values of the series. Rows with
/// a non-finite value, or with too little history, get a silent verdict and are skipped.
enum WindowScan {
    /// The sorted baseline per row (for median/MAD and quartile methods).
    static func sorted(
        _ series: TimeSeries, mode: DetectionMode, settings: DetectionSettings, from: Int = 0,
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
            // Rows from `from` are judged (all of them for 0). The window there holds the last
            // `window` finite values before it, filled in one sort.
            let from = min(max(0, from), values.count)
            let start = historyStart(values, before: from, finiteValues: max(1, settings.window))
            var rolling = RollingQuantiles(capacity: settings.window, filledWith: values[start..<from])
            return tail(values, from: from, push: { rolling.push($0) }) { x in
                guard rolling.count >= max(2, settings.minimumHistory) else { return .silent(x, "warming up") }
                return judge(x, rolling.sortedValues)
            }
        }
    }

    /// The mean and standard deviation per row (for the z-score).
    static func moments(
        _ series: TimeSeries, mode: DetectionMode, settings: DetectionSettings, from: Int = 0,
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
            // Rows from `from` are judged (all of them for 0). Every earlier value is pushed
            // first: the moments' rounding depends on their whole history, and a push is O(1).
            let from = min(max(0, from), values.count)
            var rolling = RollingMoments(capacity: settings.window)
            for x in values[..<from] { rolling.push(x) }
            return tail(values, from: from, push: { rolling.push($0) }) { x in
                guard rolling.count >= max(2, settings.minimumHistory),
                      let mean = rolling.mean, let sd = rolling.standardDeviation
                else { return .silent(x, "warming up") }
                return judge(x, mean, sd)
            }
        }
    }

    /// The causal scan of rows `from…`, the window already holding what a scan from row 0 holds
    /// there: each row is judged by `judge`, then pushed. The verdicts equal those of the full
    /// scan's rows `from…`.
    private static func tail(_ values: [Double], from: Int, push: (Double) -> Void,
                             judge: (Double) -> PointScore) -> [PointScore] {
        var out: [PointScore] = []
        out.reserveCapacity(values.count - from)
        for x in values[from...] {
            guard x.isFinite else { out.append(.silent(x, "not a finite value; skipped")); continue }
            out.append(judge(x))
            push(x)
        }
        return out
    }

    /// The first index of the rows before `end` that hold the last `count` finite values among
    /// them (0 when they hold fewer).
    static func historyStart(_ values: [Double], before end: Int, finiteValues count: Int) -> Int {
        var start = end, held = 0
        while start > 0, held < count {
            start -= 1
            if values[start].isFinite { held += 1 }
        }
        return start
    }
}
