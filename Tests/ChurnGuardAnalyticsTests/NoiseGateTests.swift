import Testing
@testable import ChurnGuardAnalytics

@Suite("Rarity gate")
struct RarityGateTests {
    @Test("routine bursts stop voting once they are usual; a larger one still votes")
    func routineBursts() {
        var series = TestSeries.spiky(3_000, spikes: Array(stride(from: 300, to: 2_900, by: 150)))
        var values = series.values
        values[2_950] += 200
        series = TimeSeries(timestamps: series.timestamps, values: values)
        let gated = MADDetector().scores(series, mode: .causal)
        let gate = RarityGate(quantile: 0.999, window: 1_000, margin: 1.2).apply(gated, mode: .causal)
        #expect(gated[2_850].vote)            // the method alone still sees a burst
        #expect(!gate[2_850].vote)            // but it is the 18th of its kind
        #expect(gate[2_950].vote)             // a burst five times larger is news
        #expect(gate[300].vote)               // the first burst is news too
    }

    @Test("the causal gate acts only after its warm-up of scored rows")
    func warmup() {
        let usual = PointScore(score: 0.7, vote: true, expected: 0, observed: 1, explanation: "busy")
        let scores = Array(repeating: usual, count: 800)
        let late = RarityGate(quantile: 0.999, window: 1_000, margin: 1.2, warmup: 625).apply(scores, mode: .causal)
        #expect(late[624].vote && late[624].score == 0.7)     // 624 earlier scores: not yet
        #expect(!late[625].vote && late[625].score < 0.5)     // 625: the gate acts
        let quarter = RarityGate(quantile: 0.999, window: 1_000, margin: 1.2).apply(scores, mode: .causal)
        #expect(quarter[249].vote && !quarter[250].vote)     // default: a quarter of the window
        let capped = RarityGate(quantile: 0.999, window: 100, margin: 1.2, warmup: 10_000).apply(scores, mode: .causal)
        #expect(capped[99].vote && !capped[100].vote)        // never longer than the window
    }

    @Test("a score of exactly 1 stays 1 (and votes) when the gate rescales it; never NaN")
    func saturatedScore() {
        let usual = PointScore(score: 0.7, vote: true, expected: 0, observed: 1, explanation: "busy")
        let extreme = PointScore(score: 1, vote: true, expected: 0, observed: 1e12, explanation: "huge")
        let scores = Array(repeating: usual, count: 400) + [extreme]
        for mode in DetectionMode.allCases {
            let gated = RarityGate(quantile: 0.999, window: 1_000, margin: 1.2).apply(scores, mode: mode)
            #expect(gated.allSatisfy { $0.score.isFinite }, "\(mode)")
            #expect(gated[400].score == 1 && gated[400].vote, "\(mode)")
            #expect(gated[399].score < 0.5 && !gated[399].vote, "\(mode)")
        }
    }
}

@Suite("Noise gates")
struct NoiseGateTests {
    /// A sparse count series: mostly 0, sometimes 1, one 3.
    static func sparseCounts() -> TimeSeries {
        var noise = TestNoise(state: 33)
        var values = (0..<1_500).map { _ in noise.next() < 0.03 ? 1.0 : 0.0 }
        values[1_200] = 3
        return TimeSeries(timestamps: TestSeries.times(values.count), values: values)
    }

    @Test("the minimum absolute change silences every method on small changes", arguments: DetectionMethod.allCases)
    func minimumAbsoluteChange(method: DetectionMethod) {
        var settings = DetectionSettings()
        settings.minimumAbsoluteChange = 5
        let detector = EnsembleDetector(methods: [method], settings: settings).detector(for: method)
        for mode in DetectionMode.allCases {
            let scores = detector.scores(Self.sparseCounts(), mode: mode)
            #expect(scores.allSatisfy { !$0.vote && $0.score < 0.5 }, "\(method) \(mode)")
        }
    }

    @Test("without it the rare 3 is found by the robust methods")
    func withoutGate() {
        let result = EnsembleDetector(methods: [.mad, .iqr]).detect(Self.sparseCounts())
        #expect(result[1_200].isAnomaly)
    }

    @Test("a single repeated value never alarms, whatever the method set", arguments: [DetectionMode.causal, .batch])
    func repeatedValue(mode: DetectionMode) {
        var values = Array(repeating: 42.0, count: 2_000)
        values[700] = .nan
        let series = TimeSeries(timestamps: TestSeries.times(values.count), values: values)
        let result = EnsembleDetector(settings: { var s = DetectionSettings(); s.votingThreshold = 1; return s }())
            .detect(series, mode: mode)
        #expect(result.allSatisfy { !$0.isAnomaly && $0.votes == 0 })
    }
}

@Suite("Extreme settings")
struct ExtremeSettingsTests {
    @Test("huge or negative settings never trap", arguments: [Int.max, 0, -5])
    func extremes(value: Int) {
        var s = DetectionSettings()
        s.window = value; s.minimumHistory = value; s.cooldown = value; s.votingThreshold = value
        s.rarityWindow = value; s.regimeWindow = value; s.regimeHistory = value
        s.multivariate.trainingWindow = value; s.multivariate.refitInterval = value
        s.multivariate.neighbors = value; s.multivariate.trees = min(value, 5)
        s.multivariate.maxSamples = min(value, 64)
        s.seasonal.valuesPerBucket = value; s.seasonal.minimumBucketValues = value
        s.sensitivity = Double(value)
        let series = TestSeries.spiky(300, spikes: [250])
        for mode in DetectionMode.allCases {
            #expect(EnsembleDetector(settings: s).detect(series, mode: mode).count == 300)
        }
    }
}
