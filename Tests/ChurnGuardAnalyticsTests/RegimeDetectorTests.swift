import Testing
@testable import ChurnGuardAnalytics

@Suite("Regime detector")
struct RegimeDetectorTests {
    /// A quiet noisy level with, on rows start..<end, an alternation of ±`swing` around the same
    /// level: busier, though no value is far from the level.
    static func oscillation(_ n: Int, start: Int, end: Int = .max, swing: Double) -> TimeSeries {
        var noise = TestNoise(state: 5)
        let v = (0..<n).map { i in 100 + noise.gaussian() + (i >= start && i < end ? (i % 2 == 0 ? swing : -swing) : 0) }
        return TimeSeries(timestamps: TestSeries.times(n), values: v)
    }

    @Test("a series that starts oscillating votes within a short window, not before")
    func busierSeries() {
        let series = Self.oscillation(3_000, start: 2_500, swing: 4)
        let scores = RegimeDetector().scores(series, mode: .causal)
        #expect(scores.count == series.count)
        let votes = scores.indices.filter { scores[$0].vote }
        #expect(votes.filter { $0 < 2_500 }.count <= 3, "votes before the change: \(votes.prefix(10))")
        #expect(votes.contains { $0 < 2_520 }, "first votes: \(votes.prefix(10))")
        #expect(scores[2_510].explanation.contains("activity"), "\(scores[2_510].explanation)")
    }

    @Test("batch mode: a short busy stretch stands out against the whole series")
    func busyStretchInBatch() {
        let series = Self.oscillation(3_000, start: 1_500, end: 1_520, swing: 4)
        let scores = RegimeDetector().scores(series, mode: .batch)
        let votes = scores.indices.filter { scores[$0].vote }
        #expect(votes.contains { $0 >= 1_500 && $0 < 1_532 }, "\(votes.prefix(10))")
        #expect(votes.filter { $0 < 1_500 || $0 >= 1_532 }.count <= 3, "\(votes)")
    }

    @Test("a sustained level shift votes once the short window has moved")
    func levelShift() {
        var values = TestSeries.spiky(3_000, spikes: []).values
        for i in 2_400..<3_000 { values[i] += 6 }
        let series = TimeSeries(timestamps: TestSeries.times(3_000), values: values)
        let scores = RegimeDetector().scores(series, mode: .causal)
        let votes = scores.indices.filter { scores[$0].vote }
        #expect(votes.contains { $0 >= 2_400 && $0 < 2_415 }, "\(votes.prefix(10))")
        #expect(votes.filter { $0 < 2_400 }.count <= 3, "\(votes.prefix(10))")
        #expect(scores[2_410].explanation.contains("level"), "\(scores[2_410].explanation)")
    }

    @Test("the short-window statistics skip non-finite rows and match a direct computation")
    func statistics() {
        let values: [Double] = [1, 3, .nan, 2, 6, 6, 10]
        let stats = RegimeDetector.statistics(values, window: 3)
        #expect(stats[0] == nil && stats[1] == nil && stats[2] == nil)
        // Row 3: last three finite values 1, 3, 2 → level 2, |Δ| over 3→2: (2 + 1) / 2.
        #expect(stats[3]?.level == 2)
        #expect(stats[3]?.activity == 1.5)
        // Row 6: values 6, 6, 10 → level 22/3, differences 0 and 4 → activity 2.
        #expect(abs((stats[6]?.level ?? 0) - 22.0 / 3) < 1e-12)
        #expect(stats[6]?.activity == 2)
    }

    @Test("a solo method's vote alone makes the ensemble row anomalous; without solo it needs a second vote")
    func soloVote() {
        let series = Self.oscillation(3_000, start: 2_500, swing: 4)
        var solo = DetectionSettings()
        solo.soloMethods = [.regime]
        var paired = solo
        paired.soloMethods = []
        let methods: [DetectionMethod] = [.regime, .seasonal]
        let withSolo = EnsembleDetector(methods: methods, settings: solo).detect(series)
        let without = EnsembleDetector(methods: methods, settings: paired).detect(series)
        let soloRows = withSolo.indices.filter { withSolo[$0].isAnomaly }
        #expect(soloRows.contains { $0 >= 2_500 && $0 < 2_520 }, "\(soloRows)")
        for i in soloRows { #expect(withSolo[i].score >= 0.5) }
        for (i, p) in without.enumerated() where p.isAnomaly { #expect(p.votes >= 2, "row \(i)") }
        #expect(withSolo.allSatisfy { $0.isAnomaly == ($0.score >= 0.5) })
    }

    @Test("an ungated method keeps its raw verdicts inside the ensemble; a gated one is judged against its past scores")
    func ungated() {
        // Repeated busy stretches: by the last one, the rarity gate finds them usual.
        var noise = TestNoise(state: 9)
        let values = (0..<4_000).map { i -> Double in
            let busy = [1_200, 1_900, 2_600, 3_300].contains { i >= $0 && i < $0 + 30 }
            return 100 + noise.gaussian() + (busy ? (i % 2 == 0 ? 4 : -4) : 0)
        }
        let series = TimeSeries(timestamps: TestSeries.times(values.count), values: values)
        let raw = RegimeDetector().scores(series, mode: .causal)
        var settings = DetectionSettings()
        settings.ungatedMethods = [.regime]
        let plain = EnsembleDetector(methods: [.regime], settings: settings).detect(series)
        settings.ungatedMethods = []
        let gated = EnsembleDetector(methods: [.regime], settings: settings).detect(series)
        #expect(plain.map { $0.methods[0].result } == raw)
        #expect(gated.map { $0.methods[0].result } != raw)
        #expect(gated.map { $0.methods[0].result.score }.reduce(0, +) < raw.map(\.score).reduce(0, +))
    }

    @Test("the regime threshold is its own knob and moves with the sensitivity")
    func threshold() {
        var settings = DetectionSettings()
        settings.regimeThreshold = 5
        settings.sensitivity = 1.6
        #expect(abs(settings.threshold(for: .regime) - 4) < 1e-12)
        #expect(abs(settings.threshold(for: .mad) - 3.5 * 0.8) < 1e-12)
        settings.regimeThreshold = -1   // invalid: the table's 3.5
        #expect(abs(settings.threshold(for: .regime) - 2.8) < 1e-12)
    }

    @Test("causal mode judges against two histories: the strength is the mean of the two deviations")
    func twoHistories() {
        // A level that drifts up after row 1,500, then a busy stretch: the 1,000-row and the
        // 2,000-row histories disagree about how unusual each row is.
        var noise = TestNoise(state: 11)
        let n = 3_200
        var values: [Double] = []
        for i in 0..<n {
            let drift = i > 1_500 ? Double(i - 1_500) * 0.004 : 0
            let swing: Double = i >= 3_000 && i < 3_030 ? (i % 2 == 0 ? 3 : -3) : 0
            values.append(100 + noise.gaussian() + drift + swing)
        }
        let series = TimeSeries(timestamps: TestSeries.times(n), values: values)
        var settings = DetectionSettings()
        #expect(settings.regimeShortHistory == 1_000 && settings.regimeHistory == 2_000)
        let both = RegimeDetector(settings: settings).scores(series, mode: .causal)
        settings.regimeShortHistory = 0
        let long = RegimeDetector(settings: settings).scores(series, mode: .causal)
        settings.regimeHistory = 1_000
        let short = RegimeDetector(settings: settings).scores(series, mode: .causal)
        settings.regimeHistory = 2_000
        settings.regimeShortHistory = 2_000   // not shorter: one history
        #expect(RegimeDetector(settings: settings).scores(series, mode: .causal) == long)

        func ratio(_ s: Double) -> Double { (s / (1 - s)).squareRoot() }   // strength / threshold
        var differ = 0
        for i in 0..<n where long[i].score > 0 && long[i].score < 1 && short[i].score < 1 {
            let expected = (ratio(long[i].score) + ratio(short[i].score)) / 2
            #expect(abs(ratio(both[i].score) - expected) <= 1e-9 * max(1, expected), "row \(i)")
            if abs(long[i].score - short[i].score) > 0.05 { differ += 1 }
        }
        #expect(differ > 100, "the two histories should disagree somewhere (\(differ) rows)")
        #expect(both[3_010].explanation.contains("against the last 1000 rows"), "\(both[3_010].explanation)")
        #expect(both.indices.filter { both[$0].vote }.contains { $0 >= 3_000 && $0 < 3_030 })
        // Batch mode has one history, all rows.
        #expect(RegimeDetector().scores(series, mode: .batch) == RegimeDetector(settings: settings).scores(series, mode: .batch))
    }
}
