/// Exponentially weighted moving average and variance: recent values count more, with weight
/// α for the newest value and (1 − α)ᵏ for the value k steps back. Useful as a smooth, O(1)
/// baseline when a full window is too costly.
public struct EWMA: Sendable {
    /// Smoothing factor in (0, 1]; larger follows the data faster.
    public let alpha: Double
    /// The current average, `nil` before the first finite value.
    public private(set) var mean: Double?
    /// The exponentially weighted variance (West's incremental form), 0 before two values.
    public private(set) var variance: Double = 0
    /// Number of finite values seen.
    public private(set) var count = 0

    /// Creates an average with smoothing factor `alpha` (clamped to (0, 1]; NaN becomes 0.1).
    public init(alpha: Double) {
        self.alpha = alpha.isNaN ? 0.1 : min(1, max(Double.ulpOfOne, alpha))
    }

    /// Creates an average whose weights have the same centre of mass as a `span`-point window
    /// (α = 2 / (span + 1), pandas' `ewm(span:)`).
    public init(span: Double) {
        self.init(alpha: 2 / (max(1, span) + 1))
    }

    /// Folds in one value; non-finite values are ignored. Returns the updated mean.
    @discardableResult
    public mutating func update(_ x: Double) -> Double? {
        guard x.isFinite else { return mean }
        count += 1
        guard let m = mean else { mean = x; return x }
        let delta = x - m
        let next = m + alpha * delta
        variance = (1 - alpha) * (variance + alpha * delta * delta)
        mean = next
        return next
    }

    /// The EWMA of every prefix of `values` (NaN where no finite value has been seen yet).
    public static func series(_ values: [Double], alpha: Double) -> [Double] {
        var e = EWMA(alpha: alpha)
        return values.map { e.update($0) ?? .nan }
    }
}
