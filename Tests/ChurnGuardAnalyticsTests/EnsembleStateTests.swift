import Testing
@testable import ChurnGuardAnalytics

/// ``EnsembleDetector/advance(_:over:)``: a series' causal scan kept between calls must give the
/// next rows exactly the verdicts of one causal scan over the whole series (every method's score,
/// vote and explanation). This is what lets the anomaly monitor step only a series' new rows.
@Suite("Continuing a causal scan")
struct EnsembleStateTests {
    /// A short gate window, a cooldown and frequent model refits, so every kept part matters
    /// within 1,200 rows (the seasonal profile matures after two days of 5-minute rows).
    static var settings: DetectionSettings {
        var settings = DetectionSettings()
        settings.cooldown = 20
        settings.rarityWindow = 200
        settings.multivariate.refitInterval = 97
        return settings
    }

    static let series = TestSeries.spiky(1_200, spikes: [500, 510, 900, 1_150], seed: 7)

    static func rows(_ range: Range<Int>) -> TimeSeries {
        TimeSeries(timestamps: Array(series.timestamps[range]), values: Array(series.values[range]))
    }

    @Test("the rows after any split get the full scan's verdicts", arguments: [EnsembleDetector.defaultMethods, DetectionMethod.allCases])
    func splitEqualsFullScan(methods: [DetectionMethod]) {
        let ensemble = EnsembleDetector(methods: methods, settings: Self.settings)
        let whole = ensemble.detect(Self.series)
        #expect(whole.contains { $0.isAnomaly }, "the fixture must have detections for the cooldown to matter")
        for k in [1, 300, 640, 901, 1_151, 1_199] {
            var state = ensemble.makeState()
            let head = ensemble.advance(&state, over: Self.rows(0..<k))
            #expect(head == Array(whole.prefix(k)))
            #expect(state.rows == k)
            let tail = ensemble.advance(&state, over: Self.rows(k..<Self.series.count))
            #expect(tail == Array(whole[k...]), "\(methods.count) methods: rows \(k)… differ")
        }
    }

    @Test("stepping chunk after chunk, down to single rows, gives the full scan's verdicts")
    func chunks() {
        let ensemble = EnsembleDetector(methods: DetectionMethod.allCases, settings: Self.settings)
        var state = ensemble.makeState()
        var points: [EnsemblePoint] = []
        var end = 0
        for next in [400, 401, 402, 650, 1_000] + Array(1_001...1_200) {
            let chunk = ensemble.advance(&state, over: Self.rows(end..<next))
            #expect(chunk.count == next - end)
            points += chunk
            end = next
        }
        #expect(points == ensemble.detect(Self.series))
    }

    @Test("a state of other settings or methods is replaced by a new scan")
    func foreignStateIsReplaced() {
        let ensemble = EnsembleDetector(settings: Self.settings)
        var stricter = Self.settings
        stricter.sensitivity += 1
        for other in [EnsembleDetector(settings: stricter), EnsembleDetector(methods: [.zscore, .mad], settings: Self.settings)] {
            var state = other.makeState()
            _ = other.advance(&state, over: Self.rows(0..<600))
            let verdicts = ensemble.advance(&state, over: Self.series)
            #expect(verdicts == ensemble.detect(Self.series))
            #expect(state.rows == Self.series.count)
        }
    }
}
