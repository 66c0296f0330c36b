/// Rolling z-score: strength = |x − mean| / sd of the baseline window. Fast and familiar, but a
/// single large outlier inflates the sd; MAD and IQR are the robust companions.
public struct ZScoreDetector: AnomalyDetector {
    /// Shared settings (window, sensitivity, gates).
    public let settings: DetectionSettings
    /// Creates the detector.
    public init(settings: DetectionSettings = .init()) { self.settings = settings }
    /// `.zscore`.
    public var method: DetectionMethod { .zscore }

    /// Scores each row against the mean and sd of its baseline; sd is floored (see settings).
    public func scores(_ series: TimeSeries, mode: DetectionMode) -> [PointScore] {
        switch mode {
        case .causal:
            var scan = makeScan()
            return scan.run(series)
        case .batch:
            return WindowScan.moments(series, settings: settings) { judge($0, mean: $1, sd: $2) }
        }
    }

    /// The causal scan before the first row.
    func makeScan() -> some CausalScan { Scan(detector: self, window: RollingMoments(capacity: settings.window)) }

    private func judge(_ x: Double, mean: Double, sd: Double) -> PointScore {
        let scale = max(sd, settings.scaleFloor(around: mean))
        return ScoreScale.verdict(method: .zscore, observed: x, expected: mean, deviation: x - mean,
                                  scale: scale, unit: "z", settings: settings)
    }

    /// The causal scan: the moments of the last `window` finite values.
    struct Scan: CausalScan {
        let detector: ZScoreDetector
        var window: RollingMoments
        mutating func step(_ t: Double, _ x: Double) -> PointScore {
            WindowScan.step(&window, x, settings: detector.settings) { detector.judge($0, mean: $1, sd: $2) }
        }
    }
}

/// Modified z-score (Iglewicz–Hoaglin): strength = 0.6745·|x − median| / MAD. When more than half
/// the window is one value (MAD = 0) the scale falls back to 1.2533 × the mean absolute deviation,
/// and then to the scale floor, so a constant series scores 0 and a change from it scores high.
public struct MADDetector: SortedWindowDetector {
    /// Shared settings.
    public let settings: DetectionSettings
    /// Creates the detector.
    public init(settings: DetectionSettings = .init()) { self.settings = settings }
    /// `.mad`.
    public var method: DetectionMethod { .mad }

    /// Scores each row against the median and MAD of its baseline.
    public func scores(_ series: TimeSeries, mode: DetectionMode) -> [PointScore] { windowScores(series, mode: mode) }

    func judge(_ x: Double, window: [Double]) -> PointScore {
        let median = Quantile.sorted(window, 0.5) ?? x
        var mad = RobustStatistics.mad(sorted: window, median: median)
        if mad <= 0 {
            mad = RobustStatistics.meanAbsoluteDeviation(window, around: median) * 1.2533141373155
                * RobustStatistics.modifiedZFactor
        }
        let scale = max(mad / RobustStatistics.modifiedZFactor, settings.scaleFloor(around: median))
        return ScoreScale.verdict(method: .mad, observed: x, expected: median, deviation: x - median,
                                  scale: scale, unit: "modified z", settings: settings)
    }
}

/// Tukey's fences: strength = distance beyond the nearer quartile in IQR units, so it crosses
/// the threshold k (1.5 at sensitivity 2) exactly at the classic fence Q1 − k·IQR / Q3 + k·IQR.
/// Inside the quartiles the strength is 0. IQR = 0 falls back to the scale floor.
public struct IQRDetector: SortedWindowDetector {
    /// Shared settings.
    public let settings: DetectionSettings
    /// Creates the detector.
    public init(settings: DetectionSettings = .init()) { self.settings = settings }
    /// `.iqr`.
    public var method: DetectionMethod { .iqr }

    /// Scores each row against the quartiles of its baseline.
    public func scores(_ series: TimeSeries, mode: DetectionMode) -> [PointScore] { windowScores(series, mode: mode) }

    func judge(_ x: Double, window: [Double]) -> PointScore {
        let q1 = Quantile.sorted(window, 0.25) ?? x
        let q3 = Quantile.sorted(window, 0.75) ?? x
        let median = Quantile.sorted(window, 0.5) ?? x
        let iqr = max(q3 - q1, settings.scaleFloor(around: median) * RobustStatistics.iqrPerSigma)
        let deviation = x > q3 ? x - q3 : (x < q1 ? x - q1 : 0)
        let expected = x > q3 ? q3 : (x < q1 ? q1 : x)
        var verdict = ScoreScale.verdict(method: .iqr, observed: x, expected: expected, deviation: deviation,
                                         scale: iqr, unit: "IQRs beyond the quartiles", settings: settings)
        verdict.explanation = "expected within [\(ScoreScale.format(q1)), \(ScoreScale.format(q3))], saw \(ScoreScale.format(x))"
        return verdict
    }
}

/// A detector that judges a row against the sorted finite values before it: the last `window`
/// of them in causal mode, all of them in batch mode (the median/MAD and quartile methods).
protocol SortedWindowDetector: AnomalyDetector {
    /// Shared settings.
    var settings: DetectionSettings { get }
    /// The verdict on `x` against the sorted baseline `window`.
    func judge(_ x: Double, window: [Double]) -> PointScore
}

extension SortedWindowDetector {
    /// Scores each row against its sorted baseline.
    func windowScores(_ series: TimeSeries, mode: DetectionMode) -> [PointScore] {
        switch mode {
        case .causal:
            var scan = makeScan()
            return scan.run(series)
        case .batch:
            return WindowScan.sorted(series, settings: settings) { judge($0, window: $1) }
        }
    }

    /// The causal scan before the first row.
    func makeScan() -> SortedWindowScan {
        SortedWindowScan(settings: settings, window: RollingQuantiles(capacity: settings.window)) { [self] in judge($0, window: $1) }
    }
}

/// The causal scan of the median/MAD and quartile methods: the sorted last `window` finite
/// values, and the method's judgement of a row against them.
struct SortedWindowScan: CausalScan {
    let settings: DetectionSettings
    var window: RollingQuantiles
    let judge: @Sendable (_ x: Double, _ sortedWindow: [Double]) -> PointScore

    mutating func step(_ t: Double, _ x: Double) -> PointScore {
        WindowScan.step(&window, x, settings: settings, judge)
    }
}
