/// Isolation Forest scoring for one feature (d = 1) as a step function.
///
/// With a single feature every tree cuts the line into intervals, one per leaf, so the summed
/// path length of the whole forest is constant between consecutive thresholds of all trees.
/// It is tabulated once per interval, adding the trees in the same order as a tree walk (so the
/// totals are bit-for-bit those of `totalPathLengths`), and each row then needs one binary
/// search instead of one walk per tree.
extension IsolationForest {
    func lineTotalPathLengths(_ values: [Double]) -> [Double] {
        let cuts = Array(Set(nodes.lazy.filter { !$0.isLeaf }.map(\.threshold))).sorted()
        // Region r holds x with cuts[r - 1] < x <= cuts[r]; region cuts.count holds x > every cut.
        var regionTotals = [Double](repeating: 0, count: cuts.count + 1)
        var leaves: [(cut: Double?, pathLength: Double)] = []
        for root in roots {
            leaves.removeAll(keepingCapacity: true)
            collectLeaves(Int(root), into: &leaves)
            var first = 0
            for leaf in leaves {
                let last = leaf.cut.map { regionOf($0, in: cuts) } ?? cuts.count
                if first <= last {
                    for r in first...last { regionTotals[r] += leaf.pathLength }
                }
                first = last + 1
            }
        }
        return values.map { regionTotals[regionOf($0, in: cuts)] }
    }

    /// Leaves left to right, each with the threshold that bounds it on the right (nil for the last).
    private func collectLeaves(_ root: Int, into leaves: inout [(cut: Double?, pathLength: Double)]) {
        var stack: [(node: Int, rightCut: Double?)] = [(root, nil)]
        while let (node, rightCut) = stack.popLast() {
            let here = nodes[node]
            if here.isLeaf {
                leaves.append((rightCut, pathLengths[node]))
            } else {
                stack.append((Int(here.left) + 1, rightCut))
                stack.append((Int(here.left), here.threshold))
            }
        }
    }

    /// The number of cuts strictly below `x`: the region a tree walk (`x <= cut` goes left) reaches.
    private func regionOf(_ x: Double, in cuts: [Double]) -> Int {
        var lo = 0
        var hi = cuts.count
        while lo < hi {
            let mid = (lo + hi) / 2
            if cuts[mid] < x { lo = mid + 1 } else { hi = mid }
        }
        return lo
    }
}
