/// Difference in differences of two groups observed before and after a treatment: the mean
/// change of the treated minus the mean change of the controls, with a Welch confidence
/// interval (docs/RECOMMENDATIONS.md, "Outcome").
///
/// Each unit contributes its own change (after − before), so stable differences between units
/// cancel; the control group's mean change removes what happened to everyone. The interval
/// treats units as independent with unequal group variances (Welch–Satterthwaite degrees of
/// freedom).
public struct DifferenceInDifferences: Sendable, Equatable {
    /// Mean change of the treated minus mean change of the controls.
    public let estimate: Double
    /// Its standard error.
    public let standardError: Double
    /// Welch–Satterthwaite degrees of freedom.
    public let degreesOfFreedom: Double
    /// The confidence interval at the requested level.
    public let low: Double, high: Double
    /// Units per group.
    public let treatedCount: Int, controlCount: Int

    /// The estimate from each unit's (before, after) pair; `nil` with fewer than two units in a
    /// group or a non-finite value.
    public init?(treated: [(before: Double, after: Double)], control: [(before: Double, after: Double)], level: Double = 0.95) {
        let t = treated.map { $0.after - $0.before }, c = control.map { $0.after - $0.before }
        guard t.count >= 2, c.count >= 2, (t + c).allSatisfy(\.isFinite) else { return nil }
        let (meanT, varT) = Self.meanAndVariance(t), (meanC, varC) = Self.meanAndVariance(c)
        let a = varT / Double(t.count), b = varC / Double(c.count)
        estimate = meanT - meanC
        standardError = (a + b).squareRoot()
        let denominator = a * a / Double(t.count - 1) + b * b / Double(c.count - 1)
        degreesOfFreedom = denominator > 0 ? (a + b) * (a + b) / denominator : Double(t.count + c.count - 2)
        let critical = StudentT.twoSidedCritical(level: level, degreesOfFreedom: degreesOfFreedom)
        low = estimate - critical * standardError
        high = estimate + critical * standardError
        treatedCount = t.count
        controlCount = c.count
    }

    static func meanAndVariance(_ values: [Double]) -> (Double, Double) {
        let mean = values.reduce(0, +) / Double(values.count)
        let variance = values.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(values.count - 1)
        return (mean, variance)
    }
}
