/// The hot loop of Isolation Forest scoring, on flat node arrays.
extension IsolationForest {
    /// Rows walked through a tree together: their independent walks overlap in the CPU instead
    /// of each waiting on its own chain of dependent loads.
    static let lockstepRows = 16

    /// Sum over trees of each row's path length h(x) (leaf depth plus c(leaf size)).
    ///
    /// Trees are the outer loop so one tree's nodes stay in cache while the rows walk it; each
    /// block of rows takes exactly `depth` branch-free steps, leaves pointing at themselves.
    /// NaN compares false against every threshold and so walks right; callers mask NaN rows.
    func totalPathLengths(_ x: FeatureMatrix, parallelism: Int) -> [Double] {
        var totals = [Double](repeating: 0, count: x.rows)
        let columns = x.columns
        let rowCount = x.rows
        let roots = self.roots
        let depths = self.depths
        nodes.withUnsafeBufferPointer { nodeBuffer in
            x.values.withUnsafeBufferPointer { dataBuffer in
                totals.withUnsafeMutableBufferPointer { totalBuffer in
                    guard let n = nodeBuffer.baseAddress, let d = dataBuffer.baseAddress,
                          let t = totalBuffer.baseAddress else { return }
                    let nodes = SharedReadPointer(base: n)
                    let data = SharedReadPointer(base: d)
                    let out = SharedPointer(base: t)
                    forEachChunk(count: rowCount, parallelism: parallelism) { range in
                        for (tree, root) in roots.enumerated() {
                            walk(range, root: Int(root), steps: depths[tree], nodes: nodes.base,
                                 data: data.base, columns: columns, totals: out.base)
                        }
                    }
                }
            }
        }
        return totals
    }
}

/// Walks rows `range` through one tree in blocks, adding each row's leaf path length.
@inline(__always)
private func walk(
    _ range: Range<Int>, root: Int, steps: Int, nodes: UnsafePointer<IsolationNode>,
    data: UnsafePointer<Double>, columns: Int, totals: UnsafeMutablePointer<Double>
) {
    let width = IsolationForest.lockstepRows
    withUnsafeTemporaryAllocation(of: Int.self, capacity: 2 * width) { scratch in
        var position = range.lowerBound
        while position < range.upperBound {
            let count = min(width, range.upperBound &- position)
            for r in 0..<count {
                scratch[r] = root
                scratch[width &+ r] = (position &+ r) &* columns
            }
            for _ in 0..<steps {
                for r in 0..<count {
                    let here = nodes[scratch[r]]
                    let feature = Int(here.feature)
                    let inner = feature >= 0
                    let value = data[scratch[width &+ r] &+ (inner ? feature : 0)]
                    scratch[r] = Int(here.left) &+ ((inner && !(value <= here.threshold)) ? 1 : 0)
                }
            }
            for r in 0..<count {
                totals[position &+ r] += nodes[scratch[r]].threshold
            }
            position &+= count
        }
    }
}

extension FeatureMatrix {
    /// Whether row `index` holds a NaN (±∞ are allowed).
    func hasNaN(row index: Int) -> Bool {
        let base = index * columns
        for j in 0..<columns where values[base + j].isNaN {
            return true
        }
        return false
    }
}
