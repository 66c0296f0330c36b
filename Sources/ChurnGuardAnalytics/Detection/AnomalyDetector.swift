/// The detection methods the ensemble can combine. Raw values are the names used on the command
/// line and in configuration (`--methods zscore,mad,…`).
public enum DetectionMethod: String, Sendable, CaseIterable, Codable, Hashable {
    /// Rolling z-score: distance from the window mean in standard deviations.
    case zscore
    /// Modified z-score: distance from the window median in MAD units (Iglewicz–Hoaglin).
    case mad
    /// Tukey's fences: distance beyond the window's quartiles in IQR units.
    case iqr
    /// Residual from the same time of day (and optionally day of week) in earlier cycles.
    case seasonal
    /// Isolation Forest over series features.
    case isolationForest = "isolation_forest"
    /// Local Outlier Factor over series features.
    case lof
    /// Regime change: recent activity or level unusual for the series' own history.
    case regime
}

/// Whether a score may use rows after the scored one.
public enum DetectionMode: String, Sendable, CaseIterable, Codable {
    /// The score of row i depends only on rows 0…i: what a live stream and NAB need.
    case causal
    /// The whole series is the baseline at once: for historical analysis and backtests.
    case batch
}

/// One method's verdict on one row.
public struct PointScore: Sendable, Equatable {
    /// Anomaly score in [0, 1]; 0.5 is exactly the method's threshold, so `vote == (score ≥ 0.5)`
    /// unless a noise gate withheld the vote (then the score is capped below 0.5).
    public var score: Double
    /// Whether this method calls the row anomalous.
    public var vote: Bool
    /// What the method expected to see (its baseline), when it has one.
    public var expected: Double?
    /// The row's value.
    public var observed: Double
    /// A short human-readable reason, e.g. "expected 41.2 ± 3.1, saw 97.0 (z 18.3)".
    public var explanation: String

    /// Creates a verdict.
    public init(score: Double, vote: Bool, expected: Double?, observed: Double, explanation: String) {
        self.score = score
        self.vote = vote
        self.expected = expected
        self.observed = observed
        self.explanation = explanation
    }

    /// A verdict with no opinion (score 0, no vote), used for warm-up, gaps and bad values.
    public static func silent(_ observed: Double, _ reason: String) -> PointScore {
        PointScore(score: 0, vote: false, expected: nil, observed: observed, explanation: reason)
    }
}

/// A detector scores every row of a series. Implementations are pure values: the same input gives
/// the same output, they never throw or trap, and they return exactly one `PointScore` per row.
///
/// Bad input is handled by every detector the same way: a non-finite value gets a silent score and
/// never enters any baseline; rows are taken in the order given (timestamps are never used to
/// reorder, and duplicate timestamps are separate rows); an empty series gives an empty result.
public protocol AnomalyDetector: Sendable {
    /// Which method this is.
    var method: DetectionMethod { get }
    /// Scores each row of `series`; in `.causal` mode row i's score uses only rows ≤ i.
    func scores(_ series: TimeSeries, mode: DetectionMode) -> [PointScore]
}

/// A detector's causal scan paused between two rows: its windows, profiles and models as a scan
/// from the series' first row holds them. Stepping it over the next rows gives exactly the
/// verdicts the full causal scan gives them, so a caller that keeps the scan (the anomaly
/// monitor, one per series) judges each new row without rebuilding anything from older rows.
protocol CausalScan: Sendable {
    /// The verdict on the next row (`t` its time in seconds, `x` its value), which then joins
    /// the scan's windows.
    mutating func step(_ t: Double, _ x: Double) -> PointScore
    /// As ``step(_:_:)``, for a scan made to read the seasonal profile an ensemble keeps for all
    /// its methods: `seasonal` is that profile's expectation for the row (before the row joined
    /// it; nil when it has none). Scans that read no profile ignore it.
    mutating func step(_ t: Double, _ x: Double, seasonal: SeasonalProfile.Reading?) -> PointScore
}

extension CausalScan {
    mutating func step(_ t: Double, _ x: Double, seasonal: SeasonalProfile.Reading?) -> PointScore { step(t, x) }
}

extension CausalScan {
    /// The verdicts on every row of `series`, in order, stepping this scan over them.
    mutating func run(_ series: TimeSeries) -> [PointScore] {
        var out: [PointScore] = []
        out.reserveCapacity(series.count)
        for (t, x) in zip(series.timestamps, series.values) { out.append(step(t, x)) }
        return out
    }
}
