import ChurnGuardCore
import Testing

@Suite("Rollup math")
struct RollupAggregateTests {
    /// The two-pass sample standard deviation, as a reference.
    static func referenceStddev(_ values: [Double]) -> Double {
        let mean = values.reduce(0, +) / Double(values.count)
        return (values.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(values.count - 1)).squareRoot()
    }

    @Test("count, sum, avg, min, max and the sample stddev; none for one value")
    func basics() {
        let aggregate = RollupAggregate([2, 4, 4, 4, 5, 5, 7, 9])
        #expect(aggregate.count == 8 && aggregate.sum == 40 && aggregate.average == 5)
        #expect(aggregate.min == 2 && aggregate.max == 9)
        #expect(abs((aggregate.sampleStandardDeviation ?? 0) - Self.referenceStddev([2, 4, 4, 4, 5, 5, 7, 9])) < 1e-12)
        #expect(RollupAggregate([3]).sampleStandardDeviation == nil)
        #expect(RollupAggregate().average == nil && RollupAggregate().isEmpty)
    }

    @Test("merging partial summaries in any split equals one pass")
    func mergeEqualsOnePass() {
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<50 {
            let values = (0..<Int.random(in: 2...300, using: &generator)).map { _ in Double.random(in: -1000...1000, using: &generator) }
            let whole = RollupAggregate(values)
            var merged = RollupAggregate()
            var rest = values[...]
            while !rest.isEmpty {
                let take = Int.random(in: 1...rest.count, using: &generator)
                merged.merge(RollupAggregate(rest.prefix(take)))
                rest = rest.dropFirst(take)
            }
            #expect(merged.count == whole.count && merged.min == whole.min && merged.max == whole.max)
            #expect(abs(merged.mean - whole.mean) <= 1e-9 * max(1, abs(whole.mean)))
            #expect(abs((merged.sampleStandardDeviation ?? 0) - (whole.sampleStandardDeviation ?? 0)) <= 1e-9 * max(1, whole.sampleStandardDeviation ?? 0))
        }
        #expect(RollupAggregate([1, 2]).merging(RollupAggregate()) == RollupAggregate([1, 2]))
    }

    @Test("stable far from zero, where a sum of squares would cancel")
    func stableWithLargeOffset() {
        let values = (0..<10_000).map { 1e9 + Double($0 % 10) * 0.001 }
        var merged = RollupAggregate()
        for chunk in stride(from: 0, to: values.count, by: 333) {
            merged.merge(RollupAggregate(values[chunk..<min(chunk + 333, values.count)]))
        }
        // Subtracting the offset is exact for these doubles, so this reference carries no cancellation.
        let reference = Self.referenceStddev(values.map { $0 - 1e9 })
        #expect(abs((merged.sampleStandardDeviation ?? 0) - reference) < 1e-9)
    }

    @Test("buckets align to whole UTC hours and days, also before the epoch")
    func alignment() {
        let t = Timestamp(microseconds: 1_795_941_296_123_456)  // 2026-11-29T08:34:56.123456Z
        #expect(RollupResolution.hour.bucketStart(of: t).description == "2026-11-29T08:00:00Z")
        #expect(RollupResolution.day.bucketStart(of: t).description == "2026-11-29T00:00:00Z")
        let hourStart = Timestamp(seconds: 1_795_939_200)
        #expect(RollupResolution.hour.bucketStart(of: hourStart) == hourStart)
        #expect(RollupResolution.hour.bucketEnd(startingAt: hourStart) == hourStart.adding(seconds: 3600))
        #expect(RollupResolution.hour.bucketStart(of: Timestamp(microseconds: -1)) == Timestamp(seconds: -3600))
    }
}
