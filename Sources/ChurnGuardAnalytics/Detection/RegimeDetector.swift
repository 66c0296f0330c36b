/// Regime change: judges the *recent behaviour* of the series rather than one value. Two short-
/// window statistics are computed at every row, over the last `regimeWindow` finite values: the
/// activity (mean absolute difference between consecutive values: how busy the series is) and
/// the level (their mean). Each is compared with its own distribution over the trailing
/// `regimeHistory` rows: strength = deviation from that history's median over a tail-calibrated
/// scale ((q₀.₉₉ − median) / 2.326, as for the model scores). So a burst of spikes on a
/// quiet series, a series that starts oscillating, or a sustained shift of level stand out even
/// when no single value is extreme (the contextual idea: unusual for recent patterns, not only
/// in magnitude). Activity counts upward only (a series falling quiet is rarely an incident);
/// the level counts both ways. In causal mode each row is also judged against a shorter history
/// (`regimeShortHistory`, the last 1,000 rows) and the strength is the mean of the two
/// deviations: unusual for the last few days and for the last week or two. Causal mode uses only
/// rows up to the scored one; batch mode judges against all rows.
public struct RegimeDetector: AnomalyDetector {
    /// Shared settings; `regimeWindow` and `regimeHistory` size the two windows.
    public let settings: DetectionSettings
    /// Creates the detector.
    public init(settings: DetectionSettings = .init()) { self.settings = settings }
    /// `.regime`.
    public var method: DetectionMethod { .regime }

    /// Scores each row against the history of the short-window statistics.
    public func scores(_ series: TimeSeries, mode: DetectionMode) -> [PointScore] {
        switch mode {
        case .causal:
            var scan = makeScan()
            return scan.run(series)
        case .batch:
            let stats = Self.statistics(series.values, window: window)
            let activity = stats.compactMap(\.self).map(\.activity).sorted()
            let level = stats.compactMap(\.self).map(\.level).sorted()
            return zip(series.values, stats).map { x, stat in
                guard x.isFinite, let stat else { return .silent(x, x.isFinite ? "warming up" : "not a finite value; skipped") }
                guard activity.count >= needed else { return .silent(x, "too little history") }
                return judge(x, deviation(stat, activity: activity, level: level), also: nil)
            }
        }
    }

    private var window: Int { min(max(2, settings.regimeWindow), 100_000) }
    private var needed: Int { max(settings.minimumHistory, 2 * window, 16) }

    /// The causal scan before the first row.
    func makeScan() -> Scan {
        let capacity = min(max(8, settings.regimeHistory), 1_000_000)
        // The shorter history, when it is shorter at all.
        let short = settings.regimeShortHistory > 0 && settings.regimeShortHistory < capacity
            ? max(8, settings.regimeShortHistory) : nil
        return Scan(detector: self, running: RunningStatistics(window: window),
                    activity: RollingQuantiles(capacity: capacity), level: RollingQuantiles(capacity: capacity),
                    shortActivity: short.map { RollingQuantiles(capacity: $0) }, shortLevel: short.map { RollingQuantiles(capacity: $0) })
    }

    /// The causal scan: the running short-window statistics and their long and short histories.
    struct Scan: CausalScan {
        let detector: RegimeDetector
        var running: RunningStatistics
        var activity: RollingQuantiles
        var level: RollingQuantiles
        var shortActivity: RollingQuantiles?
        var shortLevel: RollingQuantiles?

        mutating func step(_ t: Double, _ x: Double) -> PointScore {
            guard x.isFinite, let stat = running.next(x) else {
                return .silent(x, x.isFinite ? "warming up" : "not a finite value; skipped")
            }
            defer {
                activity.push(stat.activity)
                level.push(stat.level)
                shortActivity?.push(stat.activity)
                shortLevel?.push(stat.level)
            }
            guard activity.count >= detector.needed else { return .silent(x, "warming up") }
            let long = detector.deviation(stat, activity: activity.sortedValues, level: level.sortedValues)
            if let a = shortActivity, let l = shortLevel {
                return detector.judge(x, long, also: detector.deviation(stat, activity: a.sortedValues, level: l.sortedValues))
            }
            return detector.judge(x, long, also: nil)
        }
    }

    /// How far one row's recent behaviour lies from one history: the stronger of the activity
    /// and level deviations, with what the explanation needs.
    struct Deviation {
        /// Deviation over scale (a tail-calibrated z).
        let strength: Double
        /// The raw deviation (activity above its median, or level minus its median).
        let deviation: Double
        /// The history's median level (the row's expected value).
        let expected: Double
        /// "recent activity … vs typical … ± …" or "recent level …".
        let text: String
    }

    /// The deviation of `stat` from one history of activities and levels (sorted).
    func deviation(_ stat: Statistic, activity: [Double], level: [Double]) -> Deviation {
        let levelCenter = Quantile.sorted(level, 0.5) ?? stat.level
        let floor = settings.scaleFloor(around: levelCenter)
        let activityCenter = Quantile.sorted(activity, 0.5) ?? stat.activity
        let activityScale = max(Self.tailScale(activity, center: activityCenter, upper: true), floor)
        let levelScale = max(max(Self.tailScale(level, center: levelCenter, upper: true),
                                 Self.tailScale(level, center: levelCenter, upper: false)), floor)
        let busy = max(0, stat.activity - activityCenter)
        let shift = stat.level - levelCenter
        if busy / activityScale >= abs(shift) / levelScale {
            return Deviation(strength: busy / activityScale, deviation: busy, expected: levelCenter,
                             text: "recent activity \(ScoreScale.format(stat.activity)) vs typical \(ScoreScale.format(activityCenter)) ± \(ScoreScale.format(activityScale))")
        }
        return Deviation(strength: abs(shift) / levelScale, deviation: shift, expected: levelCenter,
                         text: "recent level \(ScoreScale.format(stat.level)) vs typical \(ScoreScale.format(levelCenter)) ± \(ScoreScale.format(levelScale))")
    }

    /// One row's verdict from the long history's deviation and, when kept, the short one's: the
    /// strength is their mean; the explanation is the long history's, with both z.
    fileprivate func judge(_ x: Double, _ long: Deviation, also short: Deviation?) -> PointScore {
        let strength = short.map { (long.strength + $0.strength) / 2 } ?? long.strength
        var s = ScoreScale.score(strength: strength, threshold: settings.threshold(for: .regime))
        var vote = s >= 0.5
        if vote, abs(long.deviation) < settings.minimumAbsoluteChange {
            vote = false
            s = min(s, 0.49)
        }
        var text = long.text + " (z \(ScoreScale.format(long.strength))"
        if let short { text += "; \(ScoreScale.format(short.strength)) against the last \(settings.regimeShortHistory) rows" }
        text += ")"
        return PointScore(score: s, vote: vote, expected: long.expected, observed: x, explanation: text)
    }

    /// The σ of a normal with the same median and 99th (or 1st) percentile as `sorted`; 0 when
    /// that tail is flat.
    static func tailScale(_ sorted: [Double], center: Double, upper: Bool) -> Double {
        guard let q = Quantile.sorted(sorted, upper ? 0.99 : 0.01) else { return 0 }
        return max(0, upper ? q - center : center - q) / 2.326
    }

    /// The short-window statistics of one row.
    struct Statistic {
        let activity: Double
        let level: Double
    }

    /// Per row, the activity and level of the last `window` finite values (nil for a non-finite
    /// row or before `window` finite values exist).
    static func statistics(_ values: [Double], window: Int) -> [Statistic?] {
        var running = RunningStatistics(window: window)
        return values.map { running.next($0) }
    }

    /// The activity and level of the last `window` finite values, kept with running sums: O(1)
    /// per row.
    struct RunningStatistics: Sendable {
        let window: Int
        private var recent: [Double] = []
        private var head = 0, sum = 0.0, absDiffSum = 0.0
        private var diffs: [Double] = []
        private var diffHead = 0
        private var previous: Double?

        init(window: Int) { self.window = window }

        /// Takes the next row's value: its statistic, or nil for a non-finite value (which is
        /// skipped) or before `window` finite values exist.
        mutating func next(_ x: Double) -> Statistic? {
            guard x.isFinite else { return nil }
            if let previous {
                let d = abs(x - previous)
                if diffs.count < window - 1 { diffs.append(d) } else if window > 1 {
                    absDiffSum -= diffs[diffHead]; diffs[diffHead] = d; diffHead = (diffHead + 1) % (window - 1)
                }
                absDiffSum += d
            }
            previous = x
            if recent.count < window { recent.append(x) } else {
                sum -= recent[head]; recent[head] = x; head = (head + 1) % window
            }
            sum += x
            guard recent.count == window else { return nil }
            return Statistic(activity: max(0, absDiffSum) / Double(max(1, diffs.count)), level: sum / Double(window))
        }
    }
}
