/// An alert's threshold breach seen as an insight: by how much and for how long a metric has
/// been past the threshold an operator set.
public struct ThresholdBreach: Sendable, Equatable {
    /// The rule's threshold and the latest observed value.
    public let threshold: Double, value: Double
    /// Whether the rule fires above (true) or below (false) the threshold.
    public let above: Bool
    /// How long the alert has been firing, in seconds.
    public let firingSeconds: Double

    /// Describes a breach.
    public init(threshold: Double, value: Double, above: Bool, firingSeconds: Double) {
        self.threshold = threshold
        self.value = value
        self.above = above
        self.firingSeconds = max(0, firingSeconds)
    }

    /// How far past the threshold the value is, relative to |threshold| (0.25 = 25 % past it);
    /// the absolute excess when the threshold is 0; 0 when not past it.
    public var excess: Double {
        let past = above ? value - threshold : threshold - value
        guard past > 0 else { return 0 }
        return threshold != 0 ? past / abs(threshold) : past
    }

    /// Confidence: an operator's rule, not a test, so p is 0 while the value is past the
    /// threshold (1 otherwise); the support is the firing time in hours and the effect the excess
    /// in units of 10 %.
    public var confidence: Double {
        InsightConfidence.score(pValue: excess > 0 ? 0 : 1, sampleSize: Int(firingSeconds / 3_600) + 1,
                                effectSize: excess * 10)
    }
}
