import Testing
@testable import ChurnGuardAnalytics

/// A tiny deterministic generator for test noise (LCG → uniform in [0, 1)).
struct TestNoise {
    var state: UInt64
    mutating func next() -> Double {
        state = state &* 6364136223846793005 &+ 1442695040888963407
        return Double(state >> 11) / Double(1 << 53)
    }
    /// Roughly normal (sum of 12 uniforms − 6).
    mutating func gaussian() -> Double { (0..<12).reduce(0) { acc, _ in acc + next() } - 6 }
}

@Suite("Rolling moments")
struct RollingMomentsTests {
    @Test("variance on 1e9 + small noise stays within 1e-9 of two-pass")
    func welfordPrecision() throws {
        var noise = TestNoise(state: 7)
        let values = (0..<20_000).map { _ in 1e9 + noise.next() * 0.01 }
        var rolling = RollingMoments(capacity: 500)
        for (i, x) in values.enumerated() {
            rolling.push(x)
            if i % 997 == 0 || i == values.count - 1 {
                let window = Array(values[max(0, i - 499)...i])
                let exact = TwoPassMoments(window)
                guard let v = rolling.variance, let exactVar = exact.variance, let m = rolling.mean else { continue }
                #expect(abs(v - exactVar) / exactVar <= 1e-9)
                #expect(abs(m - exact.mean) / exact.mean <= 1e-12)
            }
        }
    }

    @Test("window contents, count and non-finite values")
    func windowBehaviour() {
        var r = RollingMoments(capacity: 3)
        #expect(r.mean == nil && r.variance == nil)
        r.push(1); r.push(2)
        #expect(r.push(.nan) == false)
        #expect(r.push(.infinity) == false)
        r.push(3); r.push(4)
        #expect(r.values == [2, 3, 4])
        #expect(r.mean == 3)
        #expect(r.variance == 1)
        #expect(r.populationVariance == 2.0 / 3.0)
    }
}

@Suite("Quantiles (numpy linear interpolation)")
struct QuantileTests {
    @Test("hand-computed values")
    func handComputed() {
        let x: [Double] = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]
        // h = 9p: p50 → 5.5, p95 → 8.55 → 9 + 0.55·1 = 9.55, p99 → 8.91 → 9.91
        #expect(Quantile.of(x, 0.5) == 5.5)
        #expect(abs((Quantile.of(x, 0.95) ?? 0) - 9.55) < 1e-12)
        #expect(abs((Quantile.of(x, 0.99) ?? 0) - 9.91) < 1e-12)
        #expect(Quantile.of([3, 1, 2], 0.25) == 1.5)   // numpy.quantile([1,2,3], 0.25) = 1.5
        #expect(Quantile.of([7], 0.99) == 7)
        #expect(Quantile.of([], 0.5) == nil)
        #expect(Quantile.of([.nan, 4, 2], 0.5) == 3)
        #expect(Quantile.of([1, 2], 1.5) == 2)          // p clamped
    }

    @Test("rolling quantiles equal the quantiles of the window")
    func rollingMatchesStatic() {
        var noise = TestNoise(state: 3)
        let values = (0..<1_000).map { _ in (noise.next() * 100).rounded() }
        var rolling = RollingQuantiles(capacity: 101)
        for (i, x) in values.enumerated() {
            rolling.push(x)
            let window = Array(values[max(0, i - 100)...i])
            #expect(rolling.summary == QuantileSummary(
                p50: Quantile.of(window, 0.5)!, p95: Quantile.of(window, 0.95)!, p99: Quantile.of(window, 0.99)!))
        }
    }

    @Test("O(n) MAD equals the sorted-deviation MAD")
    func madMatchesBruteForce() {
        var noise = TestNoise(state: 11)
        for n in [1, 2, 3, 4, 7, 10, 51, 100] {
            let values = (0..<n).map { _ in (noise.next() * 20).rounded() }
            let sorted = values.sorted()
            let brute = RobustStatistics.medianAndMAD(values)!
            #expect(RobustStatistics.mad(sorted: sorted, median: brute.median) == brute.mad)
        }
    }
}

@Suite("EWMA, trend, period change")
struct SmoothingAndTrendTests {
    @Test("EWMA follows the recurrence and ignores NaN")
    func ewma() {
        var e = EWMA(alpha: 0.5)
        e.update(10); e.update(.nan); e.update(20)
        #expect(e.mean == 15)
        #expect(e.count == 2)
        #expect(EWMA(span: 3).alpha == 0.5)
    }

    @Test("OLS slope, intercept and standard error")
    func trend() throws {
        let exact = try #require(LinearTrend([1, 3, 5, 7]))
        #expect(exact.slope == 2 && exact.intercept == 1 && exact.slopeStandardError == 0 && exact.rSquared == 1)
        // y = [1, 2, 4, 4] on x = 0…3: slope 1.1, SSE 0.7, SE = sqrt(0.7 / 2 / 5).
        let noisy = try #require(LinearTrend([1, 2, 4, 4]))
        #expect(abs(noisy.slope - 1.1) < 1e-12)
        #expect(abs(noisy.slopeStandardError - (0.07).squareRoot()) < 1e-12)
        #expect(noisy.slopeInterval().contains(1.1))
        #expect(LinearTrend([5]) == nil)
        #expect(LinearTrend(x: [1, 1], y: [2, 3]) == nil)
    }

    @Test("period-over-period change")
    func periodChange() throws {
        let change = try #require(PeriodChange.lastTwo([1, 1, 2, 2, 3, 3], period: 2))
        #expect(change.previous == 4 && change.current == 6)
        #expect(change.relativeChange == 0.5)
        #expect(PeriodChange(previous: 0, current: 3).relativeChange == nil)
        #expect(PeriodChange.lastTwo([1, 2, 3], period: 2) == nil)
    }
}

@Suite("CUSUM")
struct CUSUMTests {
    @Test("finds a planted mean shift once, near where it starts")
    func plantedShift() {
        var noise = TestNoise(state: 5)
        let values = (0..<400).map { i in (i < 250 ? 10.0 : 13.0) + noise.gaussian() }
        let found = CUSUM().changePoints(values, reference: 100)
        #expect(found.count == 1)
        let first = found.first
        #expect(first?.direction == 1)
        #expect((240...260).contains(first?.index ?? -1))
        #expect((first?.detectedAt ?? 0) < 275)
    }

    @Test("no change point on a stationary or constant series, nor on tiny input")
    func quietSeries() {
        var noise = TestNoise(state: 9)
        let stationary = (0..<400).map { _ in 10 + noise.gaussian() }
        #expect(CUSUM().changePoints(stationary).isEmpty)
        #expect(CUSUM().changePoints(Array(repeating: 4, count: 100)).isEmpty)
        #expect(CUSUM().changePoints([1, 2]).isEmpty)
        #expect(CUSUM().changePoints([.nan, .nan, .nan, .nan, .nan, .nan]).isEmpty)
    }

    @Test("a window filled at once holds what one-by-one pushes leave, and goes on the same", arguments: [1, 7, 50, 300])
    func filledWindowEqualsPushes(capacity: Int) {
        var generator = SeededGenerator(seed: UInt64(capacity))
        let values = (0..<400).map { index -> Double in
            index % 37 == 0 ? .nan : (generator.nextUnitDouble() * 20).rounded() / 2
        }
        for count in [0, 1, capacity, capacity + 1, 250] where count <= 250 {
            var pushed = RollingQuantiles(capacity: capacity)
            for value in values.prefix(count) { pushed.push(value) }
            var filled = RollingQuantiles(capacity: capacity, filledWith: values.prefix(count))
            #expect(filled.sortedValues == pushed.sortedValues && filled.count == pushed.count)
            for value in values[count...] {
                pushed.push(value)
                filled.push(value)
            }
            #expect(filled.sortedValues == pushed.sortedValues, "capacity \(capacity), filled with \(count)")
        }
    }

    @Test("removing the oldest value leaves the window of the values pushed after it", arguments: [1, 5, 40])
    func removeOldest(capacity: Int) {
        var generator = SeededGenerator(seed: UInt64(capacity) + 11)
        var window = RollingQuantiles(capacity: capacity)
        var reference: [Double] = []
        for step in 0..<600 {
            if generator.nextUnitDouble() < 0.3 {
                window.removeOldest()
                if !reference.isEmpty { reference.removeFirst() }
            } else {
                let value = (generator.nextUnitDouble() * 30).rounded()
                window.push(value)
                reference.append(value)
                if reference.count > capacity { reference.removeFirst() }
            }
            #expect(window.sortedValues == reference.sorted(), "step \(step)")
            #expect(window.count == reference.count)
        }
    }
}
