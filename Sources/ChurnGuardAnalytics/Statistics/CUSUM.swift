/// Two-sided tabular CUSUM (Page 1954): accumulates standardized deviations from a reference
/// mean and signals a change point when either sum passes the decision interval `h`.
///
/// With values standardized as zᵢ = (xᵢ − μ₀)/σ₀: S⁺ᵢ = max(0, S⁺ᵢ₋₁ + zᵢ − k) and
/// S⁻ᵢ = max(0, S⁻ᵢ₋₁ − zᵢ − k). After a signal both sums restart at 0 and the test relearns
/// its reference mean from the next `reference` rows (no signals meanwhile), so one sustained
/// shift is reported once. Only rows up to the alarm are used to raise it.
/// The reported change point is the row where the signalling sum last left 0, i.e. the
/// estimated start of the shift.
public struct CUSUM: Sendable {
    /// Allowance (slack) in σ units; k = 0.5 detects a shift of about 1σ fastest.
    public let k: Double
    /// Decision interval in σ units; larger means fewer false alarms and slower detection.
    public let h: Double

    /// A detected change.
    public struct ChangePoint: Sendable, Equatable {
        /// Estimated first row of the new level.
        public let index: Int
        /// Row where the alarm was raised (≥ `index`).
        public let detectedAt: Int
        /// +1 for an upward shift, −1 for a downward one.
        public let direction: Int
    }

    /// Creates the test; non-finite or negative parameters fall back to the defaults. The default
    /// h = 8 with k = 0.5 gives an in-control run length of several thousand rows and finds a 3σ
    /// shift within about four rows.
    public init(k: Double = 0.5, h: Double = 8) {
        self.k = k.isFinite && k >= 0 ? k : 0.5
        self.h = h.isFinite && h > 0 ? h : 8
    }

    /// Runs the test over `values`. The reference mean and σ are the median and MAD-based σ of
    /// the first `reference` finite values (default: the first quarter, at least 5), unless given.
    /// Non-finite values are skipped. A reference with zero spread uses σ = 1e-9·max(1, |μ|), so
    /// any real change on a constant series is found. Fewer than 5 values yield no change points.
    public func changePoints(
        _ values: [Double], reference: Int? = nil, mean: Double? = nil, sigma: Double? = nil
    ) -> [ChangePoint] {
        let finite = values.filter(\.isFinite)
        guard finite.count >= 5 else { return [] }
        let m = min(finite.count, max(5, reference ?? finite.count / 4))
        let head = Array(finite.prefix(m))
        let robust = RobustStatistics.medianAndMAD(head)
        var mu = mean ?? robust?.median ?? 0
        var sd = sigma ?? (robust?.mad ?? 0) * RobustStatistics.madToSigma
        if !(sd > 0) || !sd.isFinite { sd = 1e-9 * max(1, abs(mu)) }
        var up = 0.0, down = 0.0, upStart = 0, downStart = 0
        var found: [ChangePoint] = []
        var relearn: [Double] = []
        var relearning = false
        for (i, x) in values.enumerated() where x.isFinite {
            if relearning {
                relearn.append(x)
                if relearn.count >= m { mu = Quantile.median(relearn) ?? mu; relearning = false; relearn = [] }
                continue
            }
            let z = (x - mu) / sd
            if up == 0 { upStart = i }
            if down == 0 { downStart = i }
            up = max(0, up + z - k)
            down = max(0, down - z - k)
            if up > h {
                found.append(ChangePoint(index: upStart, detectedAt: i, direction: 1))
            } else if down > h {
                found.append(ChangePoint(index: downStart, detectedAt: i, direction: -1))
            } else {
                continue
            }
            up = 0; down = 0
            relearning = true
        }
        return found
    }
}
