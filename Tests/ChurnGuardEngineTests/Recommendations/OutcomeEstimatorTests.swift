import ChurnGuardAnalytics
import ChurnGuardCore
@testable import ChurnGuardEngine
import Foundation
import Testing

/// Outcome tracking on constructed treated and untreated groups with a known effect.
@Suite("Recommendation outcomes by difference in differences")
struct OutcomeEstimatorTests {
    /// SplitMix64 with Box–Muller normals, so every run draws the same groups.
    struct Draws {
        var state: UInt64
        mutating func uniform() -> Double {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return Double((z ^ (z >> 31)) >> 11) / Double(1 << 53)
        }
        mutating func normal() -> Double {
            (-2 * log(max(uniform(), 1e-300))).squareRoot() * cos(2 * .pi * uniform())
        }
    }

    /// `count` customers of plan `plan`: prior risk uniform in 0.4–0.8, a common drift of +0.05
    /// for everyone, `effect` less risk for the treated, noise σ 0.03; MRR 100, and the treated
    /// keep `mrrKept` more of it.
    static func customers(_ prefix: String, count: Int, plan: String, treated: Bool, effect: Double, mrrKept: Double = 0,
                          draws: inout Draws) -> [CustomerPeriods] {
        (0..<count).map { index in
            let before = 0.4 + 0.4 * draws.uniform()
            let after = before + 0.05 - (treated ? effect : 0) + 0.03 * draws.normal()
            let mrrAfter = 90 + (treated ? mrrKept : 0) + 2 * draws.normal()
            return CustomerPeriods(id: "\(prefix)-\(index)", tags: ["segment": "smb", "plan": plan], riskBefore: before, riskAfter: after,
                                   mrrBefore: 100, mrrAfter: mrrAfter)
        }
    }

    @Test("a known effect of 0.08 is recovered within its interval, the interval excludes 0, retained MRR likewise")
    func knownEffect() throws {
        var draws = Draws(state: 42)
        let treated = Self.customers("t", count: 60, plan: "growth", treated: true, effect: 0.08, mrrKept: 6, draws: &draws)
        let untreated = Self.customers("u", count: 200, plan: "growth", treated: false, effect: 0, draws: &draws)
        let outcome = try #require(OutcomeEstimator().estimate(treated: treated, population: treated + untreated, expectedEffect: 0.2,
                                                               at: Timestamp(seconds: 0)))
        #expect(outcome.treated == 60 && outcome.control == 200)
        #expect(outcome.ciLow <= 0.08 && 0.08 <= outcome.ciHigh, "\(outcome)")
        #expect(outcome.ciLow > 0, "the effect is significant: \(outcome)")
        #expect(abs(outcome.measuredEffect - 0.08) < 0.02, "\(outcome)")
        #expect(outcome.ciHigh - outcome.ciLow < 0.04, "σ 0.03 over 60 and 200 customers gives a narrow interval: \(outcome)")
        #expect(abs(outcome.retainedMRRDifference - 6) < 1.5, "\(outcome)")
        // Expected: 0.2 × the treated's mean prior risk (≈ 0.6).
        #expect(abs(outcome.expectedEffect - 0.2 * outcome.treatedPriorRisk) < 1e-6 && abs(outcome.treatedPriorRisk - 0.6) < 0.05)
    }

    @Test("no effect: the interval covers 0; the common drift is not mistaken for an effect")
    func noEffect() throws {
        var draws = Draws(state: 7)
        let treated = Self.customers("t", count: 50, plan: "growth", treated: true, effect: 0, draws: &draws)
        let untreated = Self.customers("u", count: 150, plan: "growth", treated: false, effect: 0, draws: &draws)
        let outcome = try #require(OutcomeEstimator().estimate(treated: treated, population: treated + untreated, expectedEffect: 0.2,
                                                               at: Timestamp(seconds: 0)))
        #expect(outcome.ciLow <= 0 && 0 <= outcome.ciHigh, "\(outcome)")
    }

    @Test("over many draws a 95% interval covers the true effect about 95% of the time")
    func coverage() {
        var covered = 0
        for seed in 0..<200 {
            var draws = Draws(state: UInt64(1_000 + seed))
            let treated = Self.customers("t", count: 20, plan: "growth", treated: true, effect: 0.05, draws: &draws)
            let untreated = Self.customers("u", count: 40, plan: "growth", treated: false, effect: 0, draws: &draws)
            if let outcome = OutcomeEstimator().estimate(treated: treated, population: treated + untreated, expectedEffect: 0.1,
                                                         at: Timestamp(seconds: 0)),
               outcome.ciLow <= 0.05, 0.05 <= outcome.ciHigh { covered += 1 }
        }
        #expect((180...198).contains(covered), "covered \(covered) of 200")
    }

    @Test("controls share segment and plan with a treated customer and are within the risk band; too few gives no estimate")
    func controls() {
        let treated = [CustomerPeriods(id: "t1", tags: ["segment": "smb", "plan": "growth"], riskBefore: 0.6, riskAfter: 0.5, mrrBefore: 1, mrrAfter: 1)]
        let population = treated + [
            CustomerPeriods(id: "same", tags: ["segment": "smb", "plan": "growth"], riskBefore: 0.65, riskAfter: 0.6, mrrBefore: 1, mrrAfter: 1),
            CustomerPeriods(id: "far", tags: ["segment": "smb", "plan": "growth"], riskBefore: 0.2, riskAfter: 0.2, mrrBefore: 1, mrrAfter: 1),
            CustomerPeriods(id: "plan", tags: ["segment": "smb", "plan": "starter"], riskBefore: 0.6, riskAfter: 0.6, mrrBefore: 1, mrrAfter: 1),
            CustomerPeriods(id: "segment", tags: ["segment": "enterprise", "plan": "growth"], riskBefore: 0.6, riskAfter: 0.6, mrrBefore: 1, mrrAfter: 1),
        ]
        #expect(OutcomeEstimator().controls(for: treated, in: population).map(\.id) == ["same"])
        #expect(OutcomeEstimator().estimate(treated: treated, population: population, expectedEffect: 0.1, at: Timestamp(seconds: 0)) == nil)
    }

    @Test("difference in differences by hand: two units per group")
    func byHand() throws {
        // Treated changes −0.1 and −0.3 (mean −0.2); controls +0.1 and +0.1 (mean 0.1): estimate −0.3.
        let estimate = try #require(DifferenceInDifferences(treated: [(0.5, 0.4), (0.6, 0.3)], control: [(0.5, 0.6), (0.2, 0.3)]))
        #expect(abs(estimate.estimate + 0.3) < 1e-12)
        // Variances: treated 0.02, controls 0 → se = √(0.02 / 2) = 0.1; df = 1; t(0.975, 1) = 12.706.
        #expect(abs(estimate.standardError - 0.1) < 1e-12 && abs(estimate.degreesOfFreedom - 1) < 1e-9)
        #expect(abs(estimate.high - (-0.3 + 12.7062 * 0.1)) < 1e-3 && abs(estimate.low - (-0.3 - 12.7062 * 0.1)) < 1e-3)
        #expect(abs(StudentT.twoSidedCritical(level: 0.95, degreesOfFreedom: 10_000) - 1.96) < 0.001)
        #expect(DifferenceInDifferences(treated: [(0, 1)], control: [(0, 1), (1, 2)]) == nil)
    }
}
