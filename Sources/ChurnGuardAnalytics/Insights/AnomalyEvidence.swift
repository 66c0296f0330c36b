/// What a stored anomaly says, reduced to the numbers an "anomaly explained" insight is built
/// from: how strongly and how unanimously the detectors flagged it, and how far the peak was
/// from what was expected.
public struct AnomalyEvidence: Sendable, Equatable {
    /// The ensemble's score in [0, 1].
    public let score: Double
    /// Methods that voted "anomalous", and methods that were asked.
    public let voting: Int, methods: Int
    /// The peak value and what was expected (a point estimate, and a range when known).
    public let peak: Double, expected: Double?, expectedLow: Double?, expectedHigh: Double?
    /// Anomalous points behind it, over every anomaly of the insight.
    public let points: Int

    /// Describes the evidence.
    public init(score: Double, voting: Int, methods: Int, peak: Double, expected: Double?, expectedLow: Double?,
                expectedHigh: Double?, points: Int) {
        self.score = score.isFinite ? min(1, max(0, score)) : 0
        self.voting = max(0, voting)
        self.methods = max(0, methods)
        self.peak = peak
        self.expected = expected
        self.expectedLow = expectedLow
        self.expectedHigh = expectedHigh
        self.points = max(0, points)
    }

    /// Share of the asked methods that voted (1 when none is recorded: the ensemble alone decided).
    public var agreement: Double { methods > 0 ? Double(min(voting, methods)) / Double(methods) : 1 }

    /// How far the peak is from the expectation: in half-widths of the expected range when
    /// one is known (2 = twice as far out as the range reaches), else the relative deviation
    /// in units of 10 %; 0 without an expectation.
    public var deviation: Double {
        guard let expected, expected.isFinite, peak.isFinite else { return 0 }
        if let low = expectedLow, let high = expectedHigh, high > low { return abs(peak - expected) / ((high - low) / 2) }
        return expected != 0 ? abs(peak - expected) / abs(expected) * 10 : abs(peak - expected)
    }

    /// Confidence by the rule every insight kind uses (``InsightConfidence``): the chance the
    /// detectors are wrong is taken as p = 1 − score × agreement, the support is the anomalous
    /// points and the effect the ``deviation``. It rises with the score, the agreement, the
    /// points and the deviation.
    public var confidence: Double {
        InsightConfidence.score(pValue: 1 - score * agreement, sampleSize: points, effectSize: deviation)
    }
}

/// Where a set of events concentrates: the most frequent value and its share.
public enum Concentration {
    /// The value held by the most events and its share of all of them (ties: the smaller
    /// value), or nil for no events.
    public static func top(_ values: [String]) -> (value: String, share: Double)? {
        guard !values.isEmpty else { return nil }
        var counts: [String: Int] = [:]
        for value in values { counts[value, default: 0] += 1 }
        let best = counts.max { a, b in a.value != b.value ? a.value < b.value : a.key > b.key }
        return best.map { ($0.key, Double($0.value) / Double(values.count)) }
    }
}
