import Testing
@testable import ChurnGuardAnalytics

/// Reference values were computed once with SciPy 1.17 (`scipy.stats.t`, `ttest_ind`,
/// `linregress`, `pearsonr`) and are checked in as numbers.
@Suite("Insight statistics")
struct InsightStatisticsTests {
    @Test("Student's t p-values and quantiles")
    func studentT() {
        #expect(abs(StudentT.twoSidedPValue(2.228138852, degreesOfFreedom: 10) - 0.05) < 1e-8)
        #expect(abs(StudentT.twoSidedPValue(2.570581836, degreesOfFreedom: 5) - 0.05) < 1e-8)
        #expect(abs(StudentT.twoSidedPValue(1, degreesOfFreedom: 1) - 0.5) < 1e-12)   // Cauchy
        #expect(StudentT.twoSidedPValue(0, degreesOfFreedom: 7) == 1)
        #expect(StudentT.twoSidedPValue(.infinity, degreesOfFreedom: 7) == 0)
        #expect(StudentT.twoSidedPValue(.nan, degreesOfFreedom: 7) == 1)
        #expect(abs(StudentT.quantile975(degreesOfFreedom: 5) - 2.5705818356) < 1e-6)
    }

    @Test("confidence follows the documented rule and is monotone in each input")
    func confidenceRule() {
        #expect(abs(InsightConfidence.score(pValue: 0.01, sampleSize: 10, effectSize: 1) - 0.8555187073) < 1e-9)
        #expect(abs(InsightConfidence.score(pValue: 0.2, sampleSize: 30, effectSize: 0.5) - 0.7874086955) < 1e-9)
        #expect(InsightConfidence.score(pValue: 1, sampleSize: 100, effectSize: 3) == 0)
        #expect(InsightConfidence.score(pValue: 0, sampleSize: 0, effectSize: 3) == 0)
        #expect(InsightConfidence.score(pValue: 0, sampleSize: 100, effectSize: 0) == 0)
        var previous = -1.0
        for p in stride(from: 1.0, through: 0, by: -0.05) {
            let c = InsightConfidence.score(pValue: p, sampleSize: 14, effectSize: 1)
            #expect(c >= previous && (0...1).contains(c)); previous = c
        }
        previous = -1
        for n in 0...60 {
            let c = InsightConfidence.score(pValue: 0.03, sampleSize: n, effectSize: 1)
            #expect(c >= previous); previous = c
        }
        previous = -1
        for e in stride(from: 0.0, through: 5, by: 0.1) {
            let c = InsightConfidence.score(pValue: 0.03, sampleSize: 14, effectSize: e)
            #expect(c >= previous); previous = c
        }
    }

    @Test("week over week: Welch's test of seven days against seven")
    func weekOverWeek() throws {
        let shift = try #require(PeriodShift(previous: [10, 12, 11, 13, 9, 10, 12], current: [8, 7, 9, 8, 6, 7, 8]))
        #expect(shift.previousMean == 11)
        #expect(abs(shift.currentMean - 7.571428571) < 1e-8)
        #expect(abs(shift.tStatistic - -5.279296140768719) < 1e-9)
        #expect(abs(shift.degreesOfFreedom - 10.658040665434381) < 1e-9)
        #expect(abs(shift.pValue - 0.0002895301301382486) < 1e-9)
        #expect(abs(shift.effectSize - -2.821902486010634) < 1e-9)
        #expect(abs((shift.relativeChange ?? 0) - (7.571428571428571 - 11) / 11) < 1e-12)
        #expect(shift.isSignificant())
    }

    @Test("day over day: one value against the baseline's prediction interval")
    func dayOverDay() throws {
        let shift = try #require(PeriodShift(previous: [10, 11, 9, 10, 12, 8, 10], current: [5]))
        #expect(abs(shift.tStatistic - -3.6228441865473595) < 1e-9)
        #expect(shift.degreesOfFreedom == 6)
        #expect(abs(shift.pValue - 0.011059446349715077) < 1e-9)
        #expect(abs(shift.effectSize - -3.872983346207417) < 1e-9)
        #expect(shift.isSignificant())
    }

    @Test("noise is not a change; too little data is no comparison")
    func noiseIsNotNews() throws {
        let shift = try #require(PeriodShift(previous: [10, 12, 9, 11, 10, 13, 8], current: [11, 9, 12, 10, 10, 8, 13]))
        #expect(!shift.isSignificant())
        #expect(PeriodShift(previous: [10], current: [1, 2]) == nil)
        #expect(PeriodShift(previous: [10, 11], current: []) == nil)
        #expect(PeriodShift(previous: [5, 5, 5], current: [5]) == nil)
        // A certain but tiny move is below the minimum relative change.
        let tiny = try #require(PeriodShift(previous: [100, 100.01, 99.99, 100], current: [101, 101.01, 100.99, 101]))
        #expect(tiny.pValue < 0.001 && !tiny.isSignificant(minimumRelativeChange: 0.05))
    }

    @Test("trend change: slopes, their difference and its test")
    func trendChange() throws {
        let shift = try #require(TrendShift(baseline: [1.0, 2.2, 2.9, 4.1, 5.0, 6.2, 6.9], recent: [7.0, 6.1, 4.8, 4.2, 3.1, 1.9, 1.2]))
        #expect(abs(shift.baseline.slope - 0.9928571428571429) < 1e-12)
        #expect(abs(shift.baseline.slopeStandardError - 0.02614715031103297) < 1e-12)
        #expect(abs(shift.recent.slope - -0.9821428571428571) < 1e-12)
        #expect(abs(shift.tStatistic - -49.38287417276337) < 1e-8)
        #expect(shift.degreesOfFreedom == 10)
        #expect(shift.pValue < 1e-12)
        let interval = TrendShift.interval(of: shift.baseline)
        #expect(abs(interval.lowerBound - (0.9928571428571429 - 2.5705818356 * 0.02614715031103297)) < 1e-7)
        #expect(shift.isSignificant())
        let flat = try #require(TrendShift(baseline: [1.1, 1.9, 3.2, 3.9, 5.1, 5.8], recent: [7, 8.1, 8.9, 10, 11.1, 11.9]))
        #expect(abs(flat.pValue - 0.6195437484575279) < 1e-9)
        #expect(!flat.isSignificant())
        #expect(TrendShift(baseline: [1, 2], recent: [1, 2, 3]) == nil)
    }

    @Test("segment contribution: shares of the change per dimension value")
    func segmentContribution() throws {
        let totals: [SegmentContribution.Totals] = [
            .init(dimension: "segment", value: "smb", baseline: 300, current: 150),
            .init(dimension: "segment", value: "mid_market", baseline: 400, current: 380),
            .init(dimension: "segment", value: "enterprise", baseline: 300, current: 295),
            .init(dimension: "plan", value: "starter", baseline: 500, current: 350),
            .init(dimension: "plan", value: "growth", baseline: 500, current: 475),
            .init(dimension: "region", value: "eu", baseline: 10, current: 10),
        ]
        let breakdowns = SegmentContribution.analyse(totals)
        #expect(breakdowns.map(\.dimension) == ["plan", "segment"])   // region did not change
        let segment = try #require(breakdowns.first { $0.dimension == "segment" })
        #expect(segment.totalChange == -175)
        #expect(segment.shares.map(\.value) == ["smb", "mid_market", "enterprise"])
        let smb = segment.shares[0]
        #expect(abs(smb.shareOfChange - 150.0 / 175) < 1e-12)           // 85.7 % of the drop
        #expect(abs(smb.shareOfBaseline - 0.3) < 1e-12)
        #expect(abs(smb.surprise - (150.0 / 175 - 0.3)) < 1e-12)
        #expect(abs(segment.shares.map(\.shareOfChange).reduce(0, +) - 1) < 1e-12)
        #expect(segment.driver()?.value == "smb")
        #expect(!segment.isBroad())
        let plan = try #require(breakdowns.first { $0.dimension == "plan" })
        #expect(plan.driver()?.value == "starter")
        #expect(abs((plan.driver()?.surprise ?? 0) - (150.0 / 175 - 0.5)) < 1e-12)
    }

    @Test("a change spread proportionally over every value has no driver and is broad")
    func broadChange() throws {
        let breakdown = try #require(SegmentContribution.analyse([
            .init(dimension: "segment", value: "a", baseline: 100, current: 90),
            .init(dimension: "segment", value: "b", baseline: 200, current: 180),
            .init(dimension: "segment", value: "c", baseline: 300, current: 270),
        ]).first)
        #expect(breakdown.driver() == nil)
        #expect(breakdown.isBroad())
        #expect(breakdown.shares.allSatisfy { abs($0.surprise) < 1e-12 })
    }

    @Test("revenue at risk: MRR above the risk threshold now and before")
    func revenueAtRisk() {
        let risk = RevenueAtRisk(customers: [
            .init(id: "A", mrr: 100, risk: 0.8, previousRisk: 0.5),
            .init(id: "B", mrr: 250, risk: 0.9, previousRisk: 0.85),
            .init(id: "C", mrr: 400, risk: 0.3, previousRisk: 0.75),
            .init(id: "D", mrr: 50, risk: 0.71, previousRisk: nil),
            .init(id: "E", mrr: .nan, risk: 0.95, previousRisk: 0.2),
            .init(id: "F", mrr: 70, risk: 0.7, previousRisk: 0.7),       // at the threshold: not above
        ], threshold: 0.7)
        #expect(risk.atRisk == 400)
        #expect(risk.previousAtRisk == 650)
        #expect(risk.change == -250)
        #expect(risk.totalMRR == 870)
        #expect(risk.customersAtRisk == ["A", "B", "D"])
        #expect(risk.newlyAtRisk == ["A", "D"])
        #expect(risk.previousCustomerCount == 2)
        #expect(risk.customerCount == 5)
        #expect(abs(risk.shareOfRevenue - 400.0 / 870) < 1e-12)
        #expect(RevenueAtRisk(customers: [], threshold: 0.7).confidence == 0)
    }

    @Test("leading indicator: best lag, r and a Bonferroni-corrected p-value")
    func leadingIndicator() throws {
        let x: [Double] = [1, 3, 2, 5, 4, 6, 8, 7], y: [Double] = [0, 0, 1, 3, 2, 5, 4, 7]
        let found = try #require(LeadingIndicator(leading: x, following: y, maxLag: 3, differenced: false))
        #expect(found.lag == 2)
        #expect(abs(found.correlation - 0.989743318610787) < 1e-12)
        #expect(found.pairs == 6)
        #expect(abs(found.pValue - 3 * 0.0001572597707355602) < 1e-9)
        #expect(abs(found.correlations[0] - 0.7991803278688525) < 1e-12)
        #expect(abs(found.correlations[2] - 0.32879797461071464) < 1e-12)
        #expect(found.isSignificant())
        #expect(abs(LeadingIndicator.pValue(r: 0.7991803278688525, n: 7) - 0.03105083035040189) < 1e-9)
    }

    @Test("leading indicator on differences ignores a shared trend; degenerate input is nil")
    func leadingIndicatorDifferences() throws {
        // Both rise steadily (r ≈ 1 on levels) but their day-to-day moves are unrelated.
        var noise = TestNoise(state: 11)
        let x = (0..<40).map { Double($0) + noise.gaussian() * 0.3 }
        let y = (0..<40).map { 2 * Double($0) + noise.gaussian() * 0.3 }
        let levels = try #require(LeadingIndicator(leading: x, following: y, maxLag: 3, differenced: false))
        #expect(levels.isSignificant())
        let moves = try #require(LeadingIndicator(leading: x, following: y, maxLag: 3))
        #expect(!moves.isSignificant())
        #expect(LeadingIndicator(leading: [1, 2, 3], following: [1, 2], maxLag: 1) == nil)
        #expect(LeadingIndicator(leading: [1, 1, 1, 1, 1, 1], following: [1, 2, 3, 4, 5, 6], maxLag: 1, differenced: false) == nil)
    }

    @Test("threshold breach: excess past the rule's threshold")
    func thresholdBreach() {
        let above = ThresholdBreach(threshold: 100, value: 125, above: true, firingSeconds: 7_200)
        #expect(above.excess == 0.25)
        #expect(above.confidence > 0.5)
        #expect(ThresholdBreach(threshold: 100, value: 90, above: true, firingSeconds: 60).excess == 0)
        #expect(abs(ThresholdBreach(threshold: 0.2, value: 0.15, above: false, firingSeconds: 60).excess - 0.25) < 1e-12)
        #expect(ThresholdBreach(threshold: 100, value: 90, above: true, firingSeconds: 60).confidence == 0)
    }

    @Test("paired differences: one-sample t-test of their mean")
    func pairedShift() throws {
        let shift = try #require(PairedShift(differences: [1.5, -0.5, 2.0, 3.0, 0.5, 1.0, 2.5, -1.0]))
        #expect(shift.meanDifference == 1.125 && shift.count == 8)
        #expect(abs(shift.tStatistic - 2.260112410502652) < 1e-9)
        #expect(abs(shift.pValue - 0.058321711731645) < 1e-9)
        #expect(abs(shift.effectSize - 0.7990704058551495) < 1e-9)
        #expect(PairedShift(differences: [0, 0, 0]) == nil)
        #expect(PairedShift(differences: [1]) == nil)
        #expect(PairedShift(differences: [2, 2, 2])?.pValue == 0)
    }
}
