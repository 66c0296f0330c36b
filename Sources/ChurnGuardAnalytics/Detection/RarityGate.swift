/// The rarity gate: a method's vote must also be rare *for this series*. A row's strength is
/// divided by `margin` × the strength at the `quantile` of the same method's scores over the
/// preceding `window` rows (when that product exceeds the threshold), so a series whose
/// deviations are routinely large (heavy tails, bursts, a slow trend setting new records) must
/// deviate clearly more than it usually does before the method votes. This is
/// the role Numenta's "anomaly likelihood" plays for HTM: judging a raw score against the series'
/// own history of scores.
///
/// Causal mode uses only earlier rows, and acts once `warmup` of them have been scored: a
/// quantile of a short history is a poor estimate of how unusual this series' scores get, so
/// early on the method's own threshold decides alone. Batch mode uses all rows. Works on normalized scores: the
/// score ↔ strength map is monotonic, r = threshold·√(s / (1 − s)).
struct RarityGate: Sendable {
    /// Quantile of past scores a vote must exceed, in (0, 1] (1 = the maximum); ≤ 0 disables.
    let quantile: Double
    /// Trailing rows of scores the quantile is taken over.
    let window: Int
    /// How far (as a factor on the strength) a vote must exceed that quantile.
    var margin: Double = 1
    /// Past scores needed before the gate acts (causal mode), at most `window`; nil: a quarter
    /// of the window.
    var warmup: Int? = nil

    /// Whether the gate acts at all (a quantile in (0, 1] over more than one row).
    var isActive: Bool { quantile > 0 && quantile <= 1 && window > 1 }

    /// Re-scales one method's scores of a whole series.
    func apply(_ scores: [PointScore], mode: DetectionMode) -> [PointScore] {
        guard isActive else { return scores }
        switch mode {
        case .batch:
            let all = scores.map(\.score).filter(\.isFinite).sorted()
            let q = Quantile.sorted(all, quantile) ?? 0
            return scores.map { adjust($0, reference: q) }
        case .causal:
            var past = makeHistory()
            return scores.map { step($0, past: &past) }
        }
    }

    /// An empty causal history: the method's scores of the rows before the next one.
    func makeHistory() -> RollingQuantiles { RollingQuantiles(capacity: window) }

    /// Re-scales one causal row's score against `past`, the method's scores of the rows before
    /// it, which the score then joins (warm-up verdicts do not).
    func step(_ s: PointScore, past: inout RollingQuantiles) -> PointScore {
        guard isActive else { return s }
        let needed = min(max(1, warmup ?? window / 4), window)
        let q = past.count >= needed ? past.quantile(quantile) ?? 0 : 0
        if s.explanation != "warming up" { past.push(s.score) }
        return adjust(s, reference: q)
    }

    /// Divides the strength of `p` by the strength at the reference score when that is above the
    /// threshold (reference score > 0.5); otherwise leaves `p` as it is.
    private func adjust(_ p: PointScore, reference q: Double) -> PointScore {
        guard q > 0, q < 1, p.score > 0 else { return p }
        let r = Self.ratio(p.score), rq = Self.ratio(q) * max(margin, 0)
        guard rq > 1 else { return p }
        var out = p
        // r = ∞ (a score of exactly 1) stays 1: ∞ / (1 + ∞) would be NaN, which printed as 0
        // while the row still voted.
        out.score = ScoreScale.score(strength: r / rq, threshold: 1)
        if out.vote && out.score < 0.5 {
            out.vote = false
            out.explanation += "; usual for this series (rarity gate)"
        }
        return out
    }

    /// strength / threshold for a normalized score s (∞ at s = 1).
    static func ratio(_ s: Double) -> Double { s >= 1 ? .infinity : (s / (1 - s)).squareRoot() }
}
