/// Maps a method's raw strength (|deviation| / scale, in that method's units) to a score in
/// [0, 1] that is exactly 0.5 at the method's threshold: score = r² / (1 + r²), r = strength /
/// threshold. So scores of different methods compare, and "vote" is always "score ≥ 0.5".
enum ScoreScale {
    /// The normalized score; 0 for non-finite or negative strengths below zero, 1 for +∞.
    static func score(strength: Double, threshold: Double) -> Double {
        guard strength.isFinite else { return strength == .infinity ? 1 : 0 }
        guard strength > 0, threshold > 0 else { return 0 }
        let r = strength / threshold
        let r2 = r * r
        return r2.isFinite ? r2 / (1 + r2) : 1
    }

    /// Builds a verdict from a deviation, its scale and the gates: votes when strength ≥ threshold
    /// and |deviation| ≥ the minimum absolute change; a withheld vote caps the score below 0.5.
    static func verdict(
        method: DetectionMethod, observed: Double, expected: Double, deviation: Double,
        scale: Double, unit: String, settings: DetectionSettings
    ) -> PointScore {
        let threshold = settings.threshold(for: method)
        let strength = scale > 0 ? abs(deviation) / scale : (deviation == 0 ? 0 : .infinity)
        var s = score(strength: strength, threshold: threshold)
        var vote = s >= 0.5
        if vote, abs(deviation) < settings.minimumAbsoluteChange {
            vote = false
            s = min(s, 0.49)
        }
        let text = "expected \(format(expected)) ± \(format(scale)), saw \(format(observed)) (\(unit) \(format(strength)))"
        return PointScore(score: s, vote: vote, expected: expected, observed: observed, explanation: text)
    }

    /// Compact number formatting for explanations (4 significant digits).
    static func format(_ x: Double) -> String {
        guard x.isFinite else { return x.isNaN ? "nan" : (x > 0 ? "inf" : "-inf") }
        let a = abs(x)
        if a != 0, a < 1e-3 || a >= 1e9 { return String(x) }
        let scaled = (x * 1000).rounded() / 1000
        return scaled == scaled.rounded() ? String(Int64(scaled)) : String(scaled)
    }
}
