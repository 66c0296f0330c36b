import ChurnGuardCore
import Testing

/// Regression tests for values and periods so large that arithmetic on them overflowed: a
/// rollup mean that became NaN (and stopped every tenant's rollups), a retention cutoff that
/// wrapped into the future (and deleted every rolled-up point).
@Suite("Overflow bounds")
struct OverflowBoundsTests {
    let valid = MetricPoint(metricName: "revenue", timestamp: Timestamp(seconds: 1_795_939_200), value: 1)

    @Test("values beyond ±1e100 are refused, naming the field", arguments: [1.7e308, -1.7e308, 1.0000001e100, -2e100])
    func valueBound(_ value: Double) {
        var point = valid
        point.value = value
        let problems = PointValidator().problems(with: point, index: 2)
        #expect(problems.map(\.field) == ["value"])
        #expect(problems.first?.index == 2)
        #expect(problems.first?.message.contains("1e100") == true)
    }

    @Test("values at the bound are accepted")
    func valueAtBound() {
        for value in [1e100, -1e100, 0, 5e-324] {
            var point = valid
            point.value = value
            #expect(PointValidator().problems(with: point, index: nil).isEmpty, "value \(value)")
        }
    }

    @Test("any mix of accepted values summarises to finite fields")
    func finiteSummaries() {
        var random = SystemRandomNumberGenerator()
        let extremes = [1e100, -1e100, 0, 1e-300, -7.5e99]
        for _ in 0..<200 {
            var total = RollupAggregate()
            for _ in 0..<4 {
                let part = RollupAggregate((0..<Int.random(in: 1...50, using: &random)).map { _ in
                    Bool.random(using: &random) ? extremes.randomElement(using: &random) ?? 0 : Double.random(in: -1e100...1e100, using: &random)
                })
                total.merge(part)
            }
            #expect(total.isFinite, "\(total)")
            #expect(total.sampleStandardDeviation?.isFinite ?? true)
        }
    }

    @Test("values past the bound give a summary that is not finite, which backends refuse")
    func overflowDetected() {
        #expect(!RollupAggregate([1.7e308, -1.7e308, 0]).isFinite)
        #expect(RollupAggregate().isFinite)
    }

    @Test("time arithmetic saturates instead of wrapping")
    func saturatingTime() {
        let now = Timestamp(seconds: 1_795_939_200)
        #expect(now.adding(seconds: -Int64.max) < Timestamp.earliestAccepted, "clamped to the far past")
        #expect(Timestamp(microseconds: -5).adding(seconds: -Int64.max) == Timestamp(microseconds: .min))
        #expect(now.adding(seconds: .max) == Timestamp(microseconds: .max))
        #expect(now.adding(seconds: -9_300_000_000_000) < now, "a huge period back must stay in the past")
        #expect(Timestamp(seconds: .max) == Timestamp(microseconds: .max))
        #expect(Timestamp(seconds: .min) == Timestamp(microseconds: .min))
        #expect(now.adding(seconds: -86_400).microseconds == now.microseconds - 86_400_000_000)
    }

    @Test("points older than the age bound or further ahead than the future bound are refused")
    func relativeTimeBounds() {
        var limits = ValidationLimits()
        limits.maxPointAgeSeconds = 86_400
        limits.maxPointFutureSeconds = 3600
        let now = Timestamp(seconds: 1_795_939_200)
        let validator = PointValidator(limits: limits, now: now)
        for (offset, accepted) in [(-86_400, true), (-86_401, false), (3599, true), (3600, false), (0, true)] as [(Int64, Bool)] {
            var point = valid
            point.timestamp = now.adding(seconds: offset)
            let problems = validator.problems(with: point, index: nil)
            #expect(problems.isEmpty == accepted, "offset \(offset): \(problems)")
            if !accepted { #expect(problems.map(\.field) == ["timestamp"]) }
        }
    }
}
