/// Local Outlier Factor (Breunig, Kriegel, Ng, Sander 2000): how much sparser a point's
/// neighbourhood is than its neighbours' neighbourhoods.
///
/// Defined exactly as scikit-learn's `LocalOutlierFactor`: with N_k(p) the k nearest other
/// points, reach-dist(p, o) = max(d(p, o), k-distance(o)), lrd(p) = 1 / (mean reach-dist + 1e-10),
/// and `negativeOutlierFactor[p]` = −mean over o in N_k(p) of lrd(o) / lrd(p). Inliers are near
/// −1; the more negative, the more anomalous. Among equidistant candidates the neighbours are
/// the ones scikit-learn's k-d tree keeps. Neighbour search is exact (sorted array for d = 1,
/// k-d tree otherwise). A row with at least k exact duplicates has k-distance 0, density 1e10 and
/// factor exactly −1 whichever duplicates are its neighbours, so its search is skipped: constant
/// or heavily repeated data costs O(n), not O(n²).
///
/// Rows with NaN or ±∞ are left out of the neighbour index and get a NaN factor; a single finite
/// row gets −1. See docs/ANOMALY_DETECTION.md.
public struct LocalOutlierFactor: Sendable {
    /// The number of neighbours actually used: the requested one clamped to 1...(n − 1)
    /// (scikit-learn rejects values below 1; here they mean 1).
    public let nNeighbors: Int
    /// scikit-learn's `negative_outlier_factor_`: −LOF of each training row, in row order.
    public let negativeOutlierFactor: [Double]

    let training: FeatureMatrix
    let index: NeighborIndex?
    let kDistance: [Double]
    let density: [Double]

    /// Fits the model on `x` and computes every training row's factor, each row's neighbours
    /// excluding the row itself.
    ///
    /// `parallelism` is the number of threads for the neighbour search (1 = the calling thread
    /// only); results are bit-for-bit the same for every value.
    public static func fit(_ x: FeatureMatrix, nNeighbors: Int = 20, parallelism: Int = 1) -> LocalOutlierFactor {
        let finiteRows = (0..<x.rows).filter { x.isFiniteRow($0) }
        let training = finiteRows.count == x.rows ? x : x.selecting(rows: finiteRows)
        let n = training.rows
        let k = max(1, min(nNeighbors, n - 1))
        guard n >= 2 else {
            var factors = [Double](repeating: .nan, count: x.rows)
            for row in finiteRows { factors[row] = -1 }
            return LocalOutlierFactor(
                nNeighbors: k, negativeOutlierFactor: factors, training: training, index: nil,
                kDistance: [Double](repeating: 0, count: n), density: [Double](repeating: 1e10, count: n)
            )
        }
        let index = NeighborIndex(training)
        let lists = index.neighbors(
            of: training, k: k, excludingSelf: true, parallelism: parallelism,
            skipping: rowsWithDuplicates(training, atLeast: k)
        )
        let kDistance = (0..<n).map { lists.distances[$0 * k + k - 1] }
        let density = reachabilityDensities(lists, kDistance: kDistance)
        let ratios = meanDensityRatios(lists, neighborDensity: density, ownDensity: density)
        var factors = [Double](repeating: .nan, count: x.rows)
        for (position, row) in finiteRows.enumerated() {
            factors[row] = -ratios[position]
        }
        return LocalOutlierFactor(
            nNeighbors: k, negativeOutlierFactor: factors, training: training, index: index,
            kDistance: kDistance, density: density
        )
    }

    /// Novelty scores for new rows (scikit-learn's `score_samples` with `novelty=True`): −LOF of
    /// each query row against the training rows. A query equal to a training row counts that
    /// row among its neighbours. Rows with NaN or ±∞, or of the wrong width, score NaN.
    /// `parallelism` as in `fit`.
    public func scoreSamples(_ query: FeatureMatrix, parallelism: Int = 1) -> [Double] {
        guard query.columns == training.columns, let index else {
            let lone = index == nil && training.rows == 1 && query.columns == training.columns
            return (0..<query.rows).map { lone && query.isFiniteRow($0) ? -1 : .nan }
        }
        let finiteRows = (0..<query.rows).filter { query.isFiniteRow($0) }
        let queries = finiteRows.count == query.rows ? query : query.selecting(rows: finiteRows)
        let k = min(nNeighbors, training.rows)
        let lists = index.neighbors(of: queries, k: k, excludingSelf: false, parallelism: parallelism)
        let queryDensity = Self.reachabilityDensities(lists, kDistance: kDistance)
        let ratios = Self.meanDensityRatios(lists, neighborDensity: density, ownDensity: queryDensity)
        var scores = [Double](repeating: .nan, count: query.rows)
        for (position, row) in finiteRows.enumerated() {
            scores[row] = -ratios[position]
        }
        return scores
    }
}

/// Marks the rows that have at least `count` exact duplicates (other rows with the same values).
func rowsWithDuplicates(_ x: FeatureMatrix, atLeast count: Int) -> [Bool] {
    var groups: [ArraySlice<Double>: Int] = [:]
    for i in 0..<x.rows {
        groups[x.row(i), default: 0] += 1
    }
    guard groups.values.contains(where: { $0 > count }) else {
        return [Bool](repeating: false, count: x.rows)
    }
    return (0..<x.rows).map { (groups[x.row($0)] ?? 0) > count }
}

/// The two reductions of LOF over neighbour lists, in scikit-learn's arithmetic order.
extension LocalOutlierFactor {
    /// lrd(p) = 1 / (mean over neighbours o of max(d(p, o), k-distance(o)) + 1e-10).
    ///
    /// The 1e-10 is scikit-learn's guard against division by zero when p has at least k
    /// duplicates; such points get a density of 1e10.
    static func reachabilityDensities(_ lists: NeighborLists, kDistance: [Double]) -> [Double] {
        let k = lists.k
        let queries = k == 0 ? 0 : lists.distances.count / k
        var result = [Double](repeating: 0, count: queries)
        for i in 0..<queries {
            var sum = 0.0
            for j in 0..<k {
                let neighbor = Int(lists.indices[i * k + j])
                sum += max(lists.distances[i * k + j], kDistance[neighbor])
            }
            result[i] = 1.0 / (sum / Double(k) + 1e-10)
        }
        return result
    }

    /// Mean over neighbours o of lrd(o) / lrd(p): the local outlier factor of each query p.
    static func meanDensityRatios(_ lists: NeighborLists, neighborDensity: [Double], ownDensity: [Double]) -> [Double] {
        let k = lists.k
        var result = [Double](repeating: 0, count: ownDensity.count)
        for i in 0..<ownDensity.count {
            var sum = 0.0
            for j in 0..<k {
                sum += neighborDensity[Int(lists.indices[i * k + j])] / ownDensity[i]
            }
            result[i] = sum / Double(k)
        }
        return result
    }
}
