/// Mean and unbiased variance of the finite values of a sample, computed in two passes so a
/// large offset does not cost precision.
public struct SampleMoments: Sendable, Equatable {
    /// Number of finite values.
    public let count: Int
    /// Their mean (0 when empty).
    public let mean: Double
    /// Unbiased sample variance (0 with fewer than two values).
    public let variance: Double

    /// Summarises the finite values of `values`.
    public init(_ values: [Double]) {
        let finite = values.filter(\.isFinite)
        count = finite.count
        guard !finite.isEmpty else { mean = 0; variance = 0; return }
        let m = finite.reduce(0, +) / Double(finite.count)
        mean = m
        variance = finite.count > 1 ? finite.reduce(0) { $0 + ($1 - m) * ($1 - m) } / Double(finite.count - 1) : 0
    }

    /// Sample standard deviation.
    public var standardDeviation: Double { variance.squareRoot() }
}
