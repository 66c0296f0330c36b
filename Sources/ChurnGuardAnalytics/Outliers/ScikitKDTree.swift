/// A k-d tree laid out and searched exactly like scikit-learn's `KDTree` (leaf size 30, as
/// `LocalOutlierFactor` builds it), used only to settle ties.
///
/// When several training points are at exactly the k-th neighbour distance, which of them
/// scikit-learn keeps depends on the order its tree visits them and on how its bounded heap
/// evicts equal distances. LOF values depend on that choice, so to equal scikit-learn's
/// `negative_outlier_factor_` on tied data (integer counts, grids, duplicates) those queries are
/// re-run here with the same node layout (balanced levels, split on the widest dimension at the
/// median with `std::nth_element`), the same bounding-box bounds, the same child order and the
/// same heap. Queries without a tie never come here: their neighbour set is unique.
struct ScikitKDTree: Sendable {
    /// scikit-learn's default `leaf_size` for neighbour estimators.
    static let leafSize = 30

    let columns: Int
    let data: [Double]
    /// scikit-learn's `idx_array`: row numbers, grouped by node.
    let order: [Int]
    let nodeStart: [Int]
    let nodeEnd: [Int]
    let nodeCount: Int
    /// Per node and dimension, the smallest and largest coordinate of its rows.
    let lower: [Double]
    let upper: [Double]

    init(_ x: FeatureMatrix) {
        let n = x.rows
        columns = x.columns
        data = x.values
        let ratio = max(1.0, Double(n - 1) / Double(Self.leafSize))
        let levels = Int(log2Floor(ratio)) + 1
        nodeCount = (1 << levels) - 1
        var builder = Builder(x: x, nodeCount: nodeCount)
        builder.build(node: 0, start: 0, end: n)
        order = builder.order
        nodeStart = builder.start
        nodeEnd = builder.end
        lower = builder.lower
        upper = builder.upper
    }

    private struct Builder {
        let x: FeatureMatrix
        let nodeCount: Int
        var order: [Int]
        var start: [Int]
        var end: [Int]
        var lower: [Double]
        var upper: [Double]

        init(x: FeatureMatrix, nodeCount: Int) {
            self.x = x
            self.nodeCount = nodeCount
            order = Array(0..<x.rows)
            start = [Int](repeating: 0, count: nodeCount)
            end = [Int](repeating: 0, count: nodeCount)
            lower = [Double](repeating: .infinity, count: nodeCount * x.columns)
            upper = [Double](repeating: -.infinity, count: nodeCount * x.columns)
        }

        mutating func build(node: Int, start lo: Int, end hi: Int) {
            let d = x.columns
            start[node] = lo
            end[node] = hi
            for p in lo..<hi {
                for j in 0..<d {
                    let v = x.values[order[p] * d + j]
                    lower[node * d + j] = min(lower[node * d + j], v)
                    upper[node * d + j] = max(upper[node * d + j], v)
                }
            }
            guard 2 * node + 1 < nodeCount, hi - lo >= 2 else { return }
            let dim = widestDimension(lo, hi)
            let values = x.values
            let selector = IntroSelect { a, b in
                let va = values[a * d + dim]
                let vb = values[b * d + dim]
                return va == vb ? a < b : va < vb
            }
            let mid = lo + (hi - lo) / 2
            selector.select(&order, lo, mid, hi)
            build(node: 2 * node + 1, start: lo, end: mid)
            build(node: 2 * node + 2, start: mid, end: hi)
        }

        /// First dimension with the strictly largest max − min (0 when all coincide).
        private func widestDimension(_ lo: Int, _ hi: Int) -> Int {
            let d = x.columns
            var best = 0
            var bestSpread = 0.0
            for j in 0..<d {
                var mx = x.values[order[lo] * d + j]
                var mn = mx
                for p in (lo + 1)..<hi {
                    let v = x.values[order[p] * d + j]
                    mx = max(mx, v)
                    mn = min(mn, v)
                }
                if mx - mn > bestSpread {
                    bestSpread = mx - mn
                    best = j
                }
            }
            return best
        }
    }
}

/// ⌊log2 x⌋ for x ≥ 1, computed exactly by halving (scikit-learn's `int(np.log2(x))`).
private func log2Floor(_ x: Double) -> Double {
    var value = x
    var result = 0.0
    while value >= 2 {
        value /= 2
        result += 1
    }
    return result
}
