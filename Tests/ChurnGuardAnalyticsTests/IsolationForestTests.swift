import Testing
@testable import ChurnGuardAnalytics

/// Isolation Forest behaviour beyond the scikit-learn fixtures, plus the seeded generator.
@Suite("Isolation Forest")
struct IsolationForestTests {
    static func planted(_ n: Int, _ d: Int, seed: UInt64) -> (FeatureMatrix, outlier: Int) {
        var g = SeededGenerator(seed: seed)
        var rows = (0..<n).map { _ in (0..<d).map { _ in g.nextUnitDouble() } }
        rows.append(Array(repeating: 8, count: d))
        return (FeatureMatrix(rows), n)
    }

    @Test("the same seed gives the same forest; another seed another one")
    func determinism() {
        let (x, _) = Self.planted(500, 3, seed: 1)
        let a = IsolationForest.fit(x, options: .init(seed: 42)).anomalyScores(x)
        let b = IsolationForest.fit(x, options: .init(seed: 42)).anomalyScores(x)
        let c = IsolationForest.fit(x, options: .init(seed: 43)).anomalyScores(x)
        #expect(a == b)
        #expect(a != c)
    }

    @Test("scores lie in (0, 1] and the planted outlier scores highest")
    func plantedOutlier() {
        for d in [1, 4] {
            let (x, outlier) = Self.planted(1000, d, seed: 2)
            let forest = IsolationForest.fit(x, options: .init(seed: 0))
            let scores = forest.anomalyScores(x)
            #expect(scores.allSatisfy { $0 > 0 && $0 <= 1 })
            #expect(scores.indices.max { scores[$0] < scores[$1] } == outlier)
            #expect(scores[outlier] > forest.threshold)
            #expect(forest.samplesPerTree == 256)
        }
    }

    @Test("d = 1 step function equals the tree walk exactly")
    func lineScoringMatchesWalk() {
        let (x, _) = Self.planted(2000, 1, seed: 4)
        let forest = IsolationForest.fit(x, options: .init(seed: 5))
        let probe = x.values + [-.infinity, .infinity, 0.5, 1e9]
        let walked = forest.totalPathLengths(FeatureMatrix(column: probe), parallelism: 1)
        #expect(forest.lineTotalPathLengths(probe) == walked)
    }

    @Test("threads do not change the scores")
    func parallelEqualsSequential() {
        let (x, _) = Self.planted(5000, 3, seed: 6)
        let one = IsolationForest.fit(x, options: .init(seed: 1, parallelism: 1)).anomalyScores(x)
        let two = IsolationForest.fit(x, options: .init(seed: 1, parallelism: 2)).anomalyScores(x)
        #expect(one == two)
    }

    @Test("no rows, one row, constant rows: every score is 0.5")
    func degenerateTraining() {
        let probe = FeatureMatrix([[1, 2], [100, -3]])
        let empty = IsolationForest.fit(FeatureMatrix(rows: 0, columns: 2, values: []), options: .init())
        #expect(empty.anomalyScores(probe) == [0.5, 0.5])
        #expect(empty.anomalyScores(FeatureMatrix(rows: 0, columns: 2, values: [])).isEmpty)
        let one = IsolationForest.fit(FeatureMatrix([[1, 1]]), options: .init())
        #expect(one.anomalyScores(probe) == [0.5, 0.5])
        let constant = IsolationForest.fit(FeatureMatrix(Array(repeating: [3, 3], count: 300)), options: .init())
        #expect(constant.anomalyScores(probe).allSatisfy { abs($0 - 0.5) < 1e-12 })
    }

    @Test("max_samples is clamped to the number of rows")
    func clampedSubsample() {
        let (x, _) = Self.planted(99, 2, seed: 3)
        #expect(IsolationForest.fit(x, options: .init(maxSamples: 256)).samplesPerTree == 100)
    }

    @Test("NaN rows are skipped in training and score NaN; ±∞ are scored")
    func nonFiniteRows() {
        let (x, _) = Self.planted(300, 2, seed: 8)
        let dirty = FeatureMatrix(rows: x.rows + 2, columns: 2, values: x.values + [.nan, 0, .infinity, 0])
        let forest = IsolationForest.fit(dirty, options: .init(seed: 3))
        let scores = forest.anomalyScores(dirty)
        #expect(scores[x.rows].isNaN)
        #expect(scores[x.rows + 1] > 0.5 && scores[x.rows + 1] <= 1)
        #expect(forest.anomalyScores(FeatureMatrix([[1, 2, 3]])).allSatisfy { $0.isNaN })
        let line = FeatureMatrix(column: [0.1, 0.2, .nan, 0.3, -.infinity, 0.25, 0.15])
        let lineScores = IsolationForest.fit(line, options: .init(seed: 2)).anomalyScores(line)
        #expect(lineScores[2].isNaN && lineScores[4] > 0.5)
    }

    @Test("extreme magnitudes and malformed matrices do not trap")
    func extremeInputs() {
        let huge = FeatureMatrix([[1.7e308, -1.7e308], [-1.7e308, 1.7e308], [0, 0], [1, 1], [1e-300, 5]])
        let scores = IsolationForest.fit(huge, options: .init(seed: 1)).anomalyScores(huge)
        #expect(scores.allSatisfy { $0 > 0 && $0 <= 1 })
        let lof = LocalOutlierFactor.fit(huge, nNeighbors: 2)
        #expect(lof.negativeOutlierFactor.count == 5)
        let ragged = FeatureMatrix([[1, 2], [3], [4, 5, 6]])
        #expect(ragged.rows == 3 && ragged.columns == 2 && ragged[1, 1].isNaN && ragged[2, 1] == 5)
        #expect(FeatureMatrix(rows: Int.max, columns: 2, values: []).rows == 0)
        #expect(FeatureMatrix(rows: 2, columns: 2, values: [1]).values.count == 4)
    }

    @Test("contamination sets the threshold at the matching training quantile")
    func contamination() {
        let (x, _) = Self.planted(999, 2, seed: 9)
        let forest = IsolationForest.fit(x, options: .init(seed: 0, contamination: 0.1))
        let flagged = forest.predict(x).filter { $0 }.count
        #expect((95...105).contains(flagged))
        #expect(IsolationForest.fit(x, options: .init()).threshold == 0.5)
    }

    @Test("the seeded generator is reproducible and in range")
    func generator() {
        var a = SeededGenerator(seed: 123)
        var b = SeededGenerator(seed: 123)
        #expect((0..<10).map { _ in a.next() } == (0..<10).map { _ in b.next() })
        var g = SeededGenerator(seed: 0)
        for _ in 0..<1000 {
            let u = g.nextUnitDouble()
            #expect(u >= 0 && u < 1)
            #expect((0..<7).contains(g.nextIndex(below: 7)))
        }
        #expect(g.nextIndex(below: 0) == 0)
    }
}
