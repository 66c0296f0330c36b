import RealModule

/// Student's t distribution, for the small samples insights work with (seven days against
/// seven days): the normal approximation would call noise significant there.
public enum StudentT {
    /// Two-sided p-value of a t statistic with `degreesOfFreedom` (> 0): P(|T| ≥ |t|).
    /// An infinite t gives 0; a non-finite t or non-positive degrees of freedom give 1
    /// (no evidence).
    public static func twoSidedPValue(_ t: Double, degreesOfFreedom df: Double) -> Double {
        guard df > 0, df.isFinite, !t.isNaN else { return 1 }
        guard t.isFinite else { return 0 }
        let x = df / (df + t * t)
        return min(1, max(0, IncompleteBeta.regularized(x, a: df / 2, b: 0.5)))
    }
}

/// The regularized incomplete beta function I_x(a, b), evaluated by its continued fraction
/// (modified Lentz), which converges fast on the side of the symmetry point it is used on.
enum IncompleteBeta {
    /// I_x(a, b) for x in [0, 1], a, b > 0.
    static func regularized(_ x: Double, a: Double, b: Double) -> Double {
        if x <= 0 { return 0 }
        if x >= 1 { return 1 }
        let logFront = Double.logGamma(a + b) - Double.logGamma(a) - Double.logGamma(b)
            + a * Double.log(x) + b * Double.log(onePlus: -x)
        let front = Double.exp(logFront)
        if x < (a + 1) / (a + b + 2) {
            return front * continuedFraction(x, a: a, b: b) / a
        }
        return 1 - front * continuedFraction(1 - x, a: b, b: a) / b
    }

    private static func continuedFraction(_ x: Double, a: Double, b: Double) -> Double {
        let tiny = 1e-300
        func guarded(_ v: Double) -> Double { abs(v) < tiny ? tiny : v }
        var c = 1.0
        var d = 1 / guarded(1 - (a + b) * x / (a + 1))
        var h = d
        for m in 1...400 {
            let m = Double(m)
            let even = m * (b - m) * x / ((a + 2 * m - 1) * (a + 2 * m))
            d = 1 / guarded(1 + even * d)
            c = guarded(1 + even / c)
            h *= d * c
            let odd = -(a + m) * (a + b + m) * x / ((a + 2 * m) * (a + 2 * m + 1))
            d = 1 / guarded(1 + odd * d)
            c = guarded(1 + odd / c)
            let step = d * c
            h *= step
            if abs(step - 1) < 1e-15 { break }
        }
        return h
    }
}
