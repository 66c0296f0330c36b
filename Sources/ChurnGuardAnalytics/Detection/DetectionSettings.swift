/// Every knob of the detectors in one value, with defaults chosen on the NAB corpus as a whole
/// and checked by cross-validation (see docs/ANOMALY_DETECTION.md). Window lengths count rows, not seconds.
public struct DetectionSettings: Sendable, Equatable {
    /// The default sensitivity, 1.75: chosen by leave-one-category-out cross-validation over the
    /// shared NAB files (`scripts/nab-cv`, docs/ANOMALY_DETECTION.md), where it was picked in 6 of 7
    /// folds. Configuration code should take its default from here.
    public static let defaultSensitivity = 1.75
    /// Threshold scale shared by all methods (`default_sensitivity`): each method's threshold is
    /// its base threshold × sensitivity / 2, so 2.0 gives z ≥ 3, modified z ≥ 3.5 and Tukey's
    /// k = 1.5 (the default 1.75 gives z ≥ 2.625). Larger values raise every threshold together
    /// (fewer, surer detections).
    public var sensitivity: Double = DetectionSettings.defaultSensitivity
    /// Methods that must vote for a row to be anomalous (`ensemble_voting_threshold`); clamped to
    /// the number of methods in use.
    public var votingThreshold: Int = 2
    /// Trailing window (rows) of the rolling statistical methods in causal mode.
    public var window: Int = 288
    /// Finite rows that must precede a row before any method may vote on it (causal mode).
    public var minimumHistory: Int = 48
    /// A row cannot vote unless it differs from the method's expected value by at least this much.
    public var minimumAbsoluteChange: Double = 0
    /// Scales are never smaller than this fraction of |expected| (so 1 % of the level by default):
    /// near-constant series do not alarm on tiny wiggles. MAD = IQR = 0 thus stays well defined.
    public var relativeScaleFloor: Double = 0.01
    /// Scales are never smaller than this absolute value.
    public var absoluteScaleFloor: Double = 1e-9
    /// Rows after an ensemble detection during which further detections are held back (an alert
    /// cooldown; 0 disables). Their scores are halved, so they stay below 0.5.
    public var cooldown: Int = 100
    /// Quantile of a method's own past scores that a vote must exceed (the rarity gate; 0 disables).
    public var rarityQuantile: Double = 0.999
    /// Trailing rows of past scores the rarity gate looks at.
    public var rarityWindow: Int = 1_000
    /// Factor by which a vote's strength must exceed the strength at the rarity quantile (1.2:
    /// 20 % beyond the series' recent extremes), so a slowly trending series does not alarm on
    /// every new record.
    public var rarityMargin: Double = 1.2
    /// Scores of a method the rarity gate must have seen before it acts (causal mode; at most
    /// `rarityWindow`); until then the method's own threshold decides alone. 0 (the default): a
    /// quarter of `rarityWindow`. Longer warm-ups scored higher in-sample but not when
    /// cross-validated, so the default stayed (docs/ANOMALY_DETECTION.md).
    public var rarityWarmup: Int = 0
    /// Methods whose vote alone makes a row anomalous, whatever `votingThreshold` says: for a
    /// method that sees evidence the others cannot (the regime detector judges recent behaviour,
    /// the rest single values), so requiring a second vote would silence it. Default: the regime
    /// detector (chosen by cross-validation, docs/ANOMALY_DETECTION.md).
    public var soloMethods: Set<DetectionMethod> = [.regime]
    /// Methods whose scores skip the rarity gate: the regime detector already judges each row
    /// against the series' own history of the same statistic, so gating it again against its
    /// past scores would count that history twice. Default: the regime detector (chosen by
    /// cross-validation, docs/ANOMALY_DETECTION.md).
    public var ungatedMethods: Set<DetectionMethod> = [.regime]
    /// Base threshold of the regime detector at sensitivity 2 (tail-calibrated z): 4.25, chosen
    /// by cross-validation together with `ungatedMethods` (ungated, it needs a higher bar).
    public var regimeThreshold: Double = 4.25
    /// Rows of the short window whose activity and level the regime detector judges.
    public var regimeWindow: Int = 12
    /// Trailing rows of short-window statistics the regime detector compares against.
    public var regimeHistory: Int = 2_000
    /// A second, shorter history (rows) the regime detector also compares against; its strength
    /// is the mean of the two deviations, so "unusual for the last few days" and "unusual for the
    /// last week or two" both count and neither horizon alone decides. 0 (or a value ≥
    /// `regimeHistory`) uses one history. Default 1,000, chosen by cross-validation
    /// (docs/ANOMALY_DETECTION.md).
    public var regimeShortHistory: Int = 1_000
    /// Seasonal baseline options.
    public var seasonal = SeasonalOptions()
    /// Isolation Forest and LOF options.
    public var multivariate = MultivariateOptions()

    /// The defaults.
    public init() {}

    /// The base thresholds at sensitivity 2, in each method's strength units.
    static let baseThreshold: [DetectionMethod: Double] = [
        .zscore: 3.0, .mad: 3.5, .iqr: 1.5, .seasonal: 3.5, .isolationForest: 3.0, .lof: 3.5, .regime: 3.5,
    ]

    /// The threshold of `method` at the current sensitivity (always > 0).
    public func threshold(for method: DetectionMethod) -> Double {
        let s = sensitivity.isFinite && sensitivity > 0 ? sensitivity : Self.defaultSensitivity
        let base = method == .regime && regimeThreshold.isFinite && regimeThreshold > 0
            ? regimeThreshold : (Self.baseThreshold[method] ?? 3.0)
        return base * s / 2
    }

    /// The smallest scale allowed around `center`.
    func scaleFloor(around center: Double) -> Double {
        max(absoluteScaleFloor, relativeScaleFloor * abs(center))
    }
}

/// Options of the seasonal baseline.
public struct SeasonalOptions: Sendable, Equatable {
    /// Length of one cycle in seconds (86 400: hour-of-day profile; 604 800: hour-of-week).
    public var period: Double = 86_400
    /// Width of one bucket in seconds (3 600: one expected value per hour of the cycle).
    public var bucketWidth: Double = 3_600
    /// How many past values per bucket form its expected value (a trailing median).
    public var valuesPerBucket: Int = 96
    /// Values a bucket needs before it may vote.
    public var minimumBucketValues: Int = 12
    /// Whole cycles of history needed before the method may vote.
    public var minimumCycles: Double = 2
    /// Also keep an hour-of-week profile and use it once two weeks of history exist.
    public var weekly = true
    /// Most values a profile keeps over all its buckets, the oldest leaving first (nil: only
    /// `valuesPerBucket` bounds each bucket). A scan kept for a long time (the anomaly monitor's)
    /// thus remembers its series' recent rows, not weeks of every bucket; its history span (for
    /// `minimumCycles`) starts at the oldest value kept.
    public var historyLimit: Int? = nil
    /// Creates the defaults.
    public init() {}
}

/// Options of the multivariate methods (Isolation Forest, LOF).
public struct MultivariateOptions: Sendable, Equatable {
    /// Trailing rows a causal model is trained on.
    public var trainingWindow: Int = 1_000
    /// A causal model is refitted every this many rows.
    public var refitInterval: Int = 250
    /// Trees of the Isolation Forest.
    public var trees: Int = 100
    /// Subsample size of each tree.
    public var maxSamples: Int = 256
    /// Neighbours of LOF.
    public var neighbors: Int = 20
    /// Seed of every random choice, so results are reproducible.
    public var seed: UInt64 = 42
    /// Creates the defaults.
    public init() {}
}
