import Testing
@testable import ChurnGuardAnalytics

@Suite("Series window")
struct SeriesWindowTests {
    /// Recomputes every statistic from the window's last `capacity` pushes and compares.
    private func expectMatchesRecomputation(_ window: SeriesWindow, pushed: [(Int64, Double)], capacity: Int) throws {
        let kept = Array(pushed.suffix(capacity))
        let values = kept.map(\.1)
        let stats = try #require(window.statistics())
        let exact = TwoPassMoments(values)
        #expect(stats.count == values.count)
        #expect(stats.observed == pushed.count)
        #expect(abs(stats.mean - exact.mean) <= 1e-9 * max(1, abs(exact.mean)))
        if let sd = stats.standardDeviation, let variance = exact.variance {
            #expect(abs(sd - variance.squareRoot()) <= 1e-7 * max(1, variance.squareRoot()))
        } else {
            #expect(values.count < 2 && stats.standardDeviation == nil)
        }
        #expect(stats.min == values.min())
        #expect(stats.max == values.max())
        #expect(stats.p50 == Quantile.of(values, 0.5))
        #expect(stats.p95 == Quantile.of(values, 0.95))
        #expect(stats.p99 == Quantile.of(values, 0.99))
        let newest = kept.max { $0.0 < $1.0 }?.0
        #expect(stats.lastTime == newest)
        #expect(window.points.values == values, "oldest first, in arrival order")
    }

    @Test("statistics equal a recomputation over the last capacity points, through many evictions")
    func matchesRecomputation() throws {
        var noise = TestNoise(state: 11)
        for capacity in [1, 2, 7, 100] {
            var window = SeriesWindow(capacity: capacity)
            var pushed: [(Int64, Double)] = []
            for index in 0..<1_000 {
                // Monotonic stretches make the extremes leave the window often.
                let value = index % 300 < 100 ? Double(300 - index % 300) : (noise.gaussian() * 50).rounded() / 4
                let time = Int64(index) * 1_000_000
                let accepted = window.push(time: time, value: value)
                #expect(accepted)
                pushed.append((time, value))
                if index % 37 == 0 || index == 999 {
                    try expectMatchesRecomputation(window, pushed: pushed, capacity: capacity)
                }
            }
            #expect(window.count == capacity)
        }
    }

    @Test("the newest point by time is last; rate of change is per second between the two newest")
    func lastAndRate() throws {
        var window = SeriesWindow(capacity: 10)
        window.push(time: 10_000_000, value: 1)
        #expect(window.rateOfChangePerSecond == nil)
        window.push(time: 12_000_000, value: 5)
        #expect(window.rateOfChangePerSecond == 2)
        window.push(time: 11_000_000, value: 100)   // a late point does not become the newest
        let stats = try #require(window.statistics())
        #expect(stats.lastValue == 5)
        #expect(stats.lastTime == 12_000_000)
        #expect(stats.firstTime == 10_000_000)
        #expect(stats.rateOfChangePerSecond == 2)
    }

    @Test("trend: rising, falling, and flat for noise without a slope")
    func trend() throws {
        var rising = SeriesWindow(capacity: 50)
        var falling = SeriesWindow(capacity: 50)
        var flat = SeriesWindow(capacity: 50)
        for index in 0..<50 {
            let time = Int64(index) * 60_000_000
            rising.push(time: time, value: Double(index) * 0.5 + (index % 2 == 0 ? 0.1 : -0.1))
            falling.push(time: time, value: 100 - Double(index))
            flat.push(time: time, value: index % 2 == 0 ? 1 : -1)
        }
        let up = try #require(rising.statistics())
        #expect(up.trend == .rising)
        #expect(abs((up.trendSlopePerSecond ?? 0) - 0.5 / 60) < 1e-3)
        #expect(try #require(falling.statistics()).trend == .falling)
        #expect(try #require(flat.statistics()).trend == .flat)
    }

    @Test("non-finite values are refused and change nothing; an empty window has no statistics")
    func nonFinite() {
        var window = SeriesWindow(capacity: 4)
        #expect(window.statistics() == nil)
        let nan = window.push(time: 1, value: .nan)
        let infinity = window.push(time: 1, value: .infinity)
        #expect(!nan && !infinity)
        #expect(window.count == 0 && window.observed == 0)
    }

    @Test("storage grows with the points held, not with the capacity")
    func storageGrowsOnDemand() {
        var window = SeriesWindow(capacity: 1_000_000)
        for index in 0..<10 { window.push(time: Int64(index), value: 1) }
        #expect(window.allocatedBytes < 1_000)
    }
}
