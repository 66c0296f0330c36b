import Testing
@testable import ChurnGuardAnalytics

@Suite("Causal mode")
struct CausalityTests {
    /// Scores of the first `n` rows must not change when later rows are appended.
    @Test("appending future rows never changes earlier scores", arguments: DetectionMethod.allCases)
    func appendOnly(method: DetectionMethod) {
        var settings = DetectionSettings()
        settings.multivariate.refitInterval = 97
        settings.multivariate.trainingWindow = 300
        let full = TestSeries.spiky(1_300, spikes: [700, 1_000, 1_250], seed: 4)
        let detector = EnsembleDetector(methods: [method], settings: settings).detector(for: method)
        let whole = detector.scores(full, mode: .causal)
        for n in [650, 1_000, 1_001] {
            let part = detector.scores(full.prefix(n), mode: .causal)
            #expect(part == Array(whole.prefix(n)), "\(method) changed its past at n = \(n)")
        }
    }

    @Test("the ensemble, rarity gate and cooldown are causal too")
    func ensembleAppendOnly() {
        var settings = DetectionSettings()
        settings.cooldown = 20
        settings.rarityWindow = 200
        settings.multivariate.refitInterval = 97
        let full = TestSeries.spiky(1_200, spikes: [500, 510, 900])
        // Every method, Isolation Forest included (it is not a default but stays available).
        let ensemble = EnsembleDetector(methods: DetectionMethod.allCases, settings: settings)
        let whole = ensemble.detect(full)
        let part = ensemble.detect(full.prefix(905))
        #expect(part == Array(whole.prefix(905)))
    }

    @Test("each ensemble result carries every method's score and vote")
    func carriesEveryMethod() {
        let series = TestSeries.spiky(900, spikes: [700])
        let result = EnsembleDetector().detect(series)
        #expect(result.allSatisfy { $0.methods.map(\.method) == EnsembleDetector.defaultMethods })
        #expect(!EnsembleDetector.defaultMethods.contains(.isolationForest))
        let spike = result[700]
        #expect(spike.isAnomaly)
        #expect(spike.votes == spike.methods.filter(\.result.vote).count)
        #expect(spike.score >= 0.5)
        #expect(spike.explanation.contains("saw"))
    }

    @Test("the voting threshold is clamped and decides the flag")
    func votingThreshold() {
        let series = TestSeries.spiky(900, spikes: [700])
        var settings = DetectionSettings()
        settings.votingThreshold = 99
        let strict = EnsembleDetector(methods: [.zscore, .mad], settings: settings)
        #expect(strict.requiredVotes == 2)
        let r = strict.detect(series)[700]
        #expect(r.isAnomaly == (r.votes == 2))
    }
}
