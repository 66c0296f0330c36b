import Testing
@testable import ChurnGuardAnalytics

/// LOF behaviour beyond the scikit-learn fixtures: edge cases, both search paths, threads.
@Suite("Local Outlier Factor")
struct LocalOutlierFactorTests {
    /// Textbook LOF by brute force; neighbour ties broken by lower row (fine on tie-free data).
    static func bruteForce(_ rows: [[Double]], k: Int) -> [Double] {
        let n = rows.count
        let distance = rows.map { a in
            rows.map { b in zip(a, b).reduce(0) { $0 + ($1.0 - $1.1) * ($1.0 - $1.1) }.squareRoot() }
        }
        let neighbors = (0..<n).map { i in
            (0..<n).filter { $0 != i }.sorted { (distance[i][$0], $0) < (distance[i][$1], $1) }.prefix(k)
        }
        let kDistance = (0..<n).map { distance[$0][neighbors[$0].last ?? $0] }
        let lrd = (0..<n).map { i in
            1 / (neighbors[i].reduce(0) { $0 + max(distance[i][$1], kDistance[$1]) } / Double(k) + 1e-10)
        }
        return (0..<n).map { i in -neighbors[i].reduce(0) { $0 + lrd[$1] / lrd[i] } / Double(k) }
    }

    static func randomRows(_ n: Int, _ d: Int, seed: UInt64) -> [[Double]] {
        var g = SeededGenerator(seed: seed)
        return (0..<n).map { _ in (0..<d).map { _ in g.nextUnitDouble() * 10 - 5 } }
    }

    @Test("matches a brute-force LOF on random 3-D data")
    func bruteForceAgreement() {
        let rows = Self.randomRows(300, 3, seed: 7)
        let model = LocalOutlierFactor.fit(FeatureMatrix(rows), nNeighbors: 12)
        for (got, want) in zip(model.negativeOutlierFactor, Self.bruteForce(rows, k: 12)) {
            #expect(relativelyEqual(got, want, tolerance: 1e-12))
        }
    }

    @Test("d = 1 (sorted array) and the k-d tree give the same factors")
    func lineAndTreeAgree() {
        let values = Self.randomRows(400, 1, seed: 3).map { $0[0] }
        let line = LocalOutlierFactor.fit(FeatureMatrix(column: values), nNeighbors: 20)
        let tree = LocalOutlierFactor.fit(FeatureMatrix(values.map { [$0, 0] }), nNeighbors: 20)
        #expect(line.negativeOutlierFactor == tree.negativeOutlierFactor)
    }

    @Test("an isolated point gets the most negative factor")
    func outlierRanksFirst() {
        var rows = Self.randomRows(200, 2, seed: 11).map { $0.map { $0 / 5 } }
        rows.append([9, 9])
        let factors = LocalOutlierFactor.fit(FeatureMatrix(rows)).negativeOutlierFactor
        #expect(factors.indices.min { factors[$0] < factors[$1] } == 200)
        #expect(factors[200] < -2)
    }

    @Test("empty, one and two rows")
    func tinyInputs() {
        #expect(LocalOutlierFactor.fit(FeatureMatrix([])).negativeOutlierFactor.isEmpty)
        let one = LocalOutlierFactor.fit(FeatureMatrix([[1, 2]]))
        #expect(one.negativeOutlierFactor == [-1])
        #expect(one.scoreSamples(FeatureMatrix([[5, 5]])) == [-1])
        let two = LocalOutlierFactor.fit(FeatureMatrix([[0, 0], [3, 4]]))
        #expect(two.nNeighbors == 1)
        #expect(two.negativeOutlierFactor == [-1, -1])
    }

    @Test("n_neighbors is clamped to n − 1, as in scikit-learn")
    func clampedNeighbours() {
        let model = LocalOutlierFactor.fit(FeatureMatrix(Self.randomRows(6, 2, seed: 1)), nNeighbors: 20)
        #expect(model.nNeighbors == 5)
        #expect(model.negativeOutlierFactor.allSatisfy { $0.isFinite && $0 < 0 })
    }

    @Test("constant data: every row is an inlier at −1")
    func constantData() {
        let model = LocalOutlierFactor.fit(FeatureMatrix(Array(repeating: [4, 4, 4], count: 50)))
        #expect(model.negativeOutlierFactor.allSatisfy { $0 == -1 })
    }

    @Test("rows with NaN or ±∞ get NaN and do not affect the others")
    func nonFiniteRows() {
        let rows = Self.randomRows(80, 2, seed: 5)
        var dirty = rows
        dirty.insert([.nan, 1], at: 10)
        dirty.insert([.infinity, 0], at: 40)
        let clean = LocalOutlierFactor.fit(FeatureMatrix(rows)).negativeOutlierFactor
        let model = LocalOutlierFactor.fit(FeatureMatrix(dirty))
        #expect(model.negativeOutlierFactor[10].isNaN)
        #expect(model.negativeOutlierFactor[40].isNaN)
        let kept = model.negativeOutlierFactor.enumerated().filter { $0.offset != 10 && $0.offset != 40 }.map(\.element)
        #expect(kept == clean)
        let scores = model.scoreSamples(FeatureMatrix([[0, 0], [.nan, 0]]))
        #expect(scores[0].isFinite && scores[1].isNaN)
        #expect(model.scoreSamples(FeatureMatrix([[1, 2, 3]])).allSatisfy { $0.isNaN })
    }

    @Test("threads do not change the result")
    func parallelEqualsSequential() {
        let x = FeatureMatrix(Self.randomRows(3000, 3, seed: 9))
        let one = LocalOutlierFactor.fit(x, nNeighbors: 10, parallelism: 1)
        let two = LocalOutlierFactor.fit(x, nNeighbors: 10, parallelism: 2)
        #expect(one.negativeOutlierFactor == two.negativeOutlierFactor)
        let query = FeatureMatrix(Self.randomRows(2500, 3, seed: 10))
        #expect(one.scoreSamples(query, parallelism: 2) == one.scoreSamples(query))
        // Integer data: nearly every query is tied and goes through the scikit-learn tree.
        let counts = FeatureMatrix(Self.randomRows(3000, 2, seed: 12).map { $0.map { ($0 + 5).rounded(.down) } })
        let tiedOne = LocalOutlierFactor.fit(counts, nNeighbors: 20, parallelism: 1)
        #expect(tiedOne.negativeOutlierFactor == LocalOutlierFactor.fit(counts, nNeighbors: 20, parallelism: 2).negativeOutlierFactor)
    }
}
