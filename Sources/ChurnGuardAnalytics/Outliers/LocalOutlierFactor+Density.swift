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
