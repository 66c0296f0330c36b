import Testing
@testable import ChurnGuardAnalytics

/// ``EnsembleDetector/detect(_:from:carry:)``: the rows after a prefix, judged with what the scan
/// of the prefix carried, must get exactly the full causal scan's verdicts (every method's score,
/// vote and explanation). This is what lets the anomaly monitor judge only a series' new rows.
@Suite("Judging the rows after a prefix")
struct EnsembleCarryTests {
    /// A short gate window, a cooldown and frequent model refits, so every carried part matters
    /// within 1,200 rows (the seasonal profile matures after two days of 5-minute rows).
    static var settings: DetectionSettings {
        var settings = DetectionSettings()
        settings.cooldown = 20
        settings.rarityWindow = 200
        settings.multivariate.refitInterval = 97
        return settings
    }

    static let series = TestSeries.spiky(1_200, spikes: [500, 510, 900, 1_150], seed: 7)

    @Test("with the prefix's carry, rows k… get the full scan's verdicts, and the same carry at the end",
          arguments: [EnsembleDetector.defaultMethods, DetectionMethod.allCases])
    func tailEqualsFullScan(methods: [DetectionMethod]) {
        let ensemble = EnsembleDetector(methods: methods, settings: Self.settings)
        let whole = ensemble.detect(Self.series)
        #expect(whole.contains { $0.isAnomaly }, "the fixture must have detections for the cooldown to matter")
        let wholeCarry = ensemble.detect(Self.series, from: 0, carry: nil).carry
        for k in [1, 300, 640, 901, 1_151, 1_199] {
            let prefix = ensemble.detect(Self.series.prefix(k), from: 0, carry: nil)
            #expect(prefix.points == Array(whole.prefix(k)))
            let tail = ensemble.detect(Self.series, from: k, carry: prefix.carry)
            #expect(tail.points == Array(whole[k...]), "\(methods.count) methods: rows \(k)… differ")
            #expect(tail.carry == wholeCarry, "\(methods.count) methods: the carry after the last row differs (k = \(k))")
        }
    }

    @Test("judging chunk after chunk, each with the carry of the one before, gives the full scan's verdicts")
    func chunks() {
        let ensemble = EnsembleDetector(methods: DetectionMethod.allCases, settings: Self.settings)
        var carry: EnsembleCarry?
        var points: [EnsemblePoint] = []
        var end = 0
        for next in [400, 401, 402, 650, 1_000, 1_200] {
            let chunk = ensemble.detect(Self.series.prefix(next), from: end, carry: carry)
            #expect(chunk.points.count == next - end)
            points += chunk.points
            carry = chunk.carry
            end = next
        }
        #expect(points == ensemble.detect(Self.series))
    }

    @Test("without a carry every row is scanned, with the same verdicts; the carry keeps at most the gate's window")
    func withoutCarry() {
        let ensemble = EnsembleDetector(settings: Self.settings)
        let whole = ensemble.detect(Self.series)
        let cold = ensemble.detect(Self.series, from: 700, carry: nil)
        #expect(cold.points == Array(whole[700...]))
        #expect(!cold.carry.gateScores.isEmpty)
        #expect(cold.carry.gateScores.values.allSatisfy { $0.count <= Self.settings.rarityWindow })
        // The regime detector is ungated by default: it has no gate history.
        #expect(cold.carry.gateScores[.regime] == nil)
    }
}
