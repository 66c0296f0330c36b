/// The hot loop of Isolation Forest scoring, on flat node arrays.
extension IsolationForest {
    /// Rows walked through a tree together: their independent walks overlap in the CPU instead
    /// of each waiting on its own chain of dependent loads.
    static let lockstepRows = 16

    /// Rows scored against every tree before moving on, so their features stay in cache while
    /// the forest's nodes (about 8 KB a tree) stream past; one pass per tree over all rows would
    /// re-read the whole matrix from memory a hundred times.
    static let blockRows = 1024

    /// Sum over trees of each row's path length h(x) (leaf depth plus c(leaf size)).
    ///
    /// Blocks of rows meet every tree in turn, and the rows of a block walk a tree sixteen at a
    /// time in exactly `depth` branch-free steps, leaves pointing at themselves. Each row adds
    /// its trees in forest order, so the totals do not depend on blocking or threads.
    /// Rows with a NaN are walked as zeros; callers mask their scores to NaN.
    func totalPathLengths(_ x: FeatureMatrix, parallelism: Int) -> [Double] {
        var totals = [Double](repeating: 0, count: x.rows)
        let columns = x.columns
        let rowCount = x.rows
        let roots = self.roots
        let depths = self.depths
        let pathLengths = self.pathLengths
        // A NaN would step off a leaf (NaN <= +inf is false); its score is NaN anyway, so walk 0.
        let values = x.values.contains { $0.isNaN } ? x.values.map { $0.isNaN ? 0 : $0 } : x.values
        nodes.withUnsafeBufferPointer { nodeBuffer in
            values.withUnsafeBufferPointer { dataBuffer in
                pathLengths.withUnsafeBufferPointer { leafBuffer in
                totals.withUnsafeMutableBufferPointer { totalBuffer in
                    guard let n = nodeBuffer.baseAddress, let l = leafBuffer.baseAddress,
                          let d = dataBuffer.baseAddress, let t = totalBuffer.baseAddress else { return }
                    let nodes = SharedReadPointer(base: n)
                    let leaves = SharedReadPointer(base: l)
                    let data = SharedReadPointer(base: d)
                    let out = SharedPointer(base: t)
                    forEachChunk(count: rowCount, parallelism: parallelism) { range in
                        var blockStart = range.lowerBound
                        while blockStart < range.upperBound {
                            let block = blockStart..<min(blockStart + Self.blockRows, range.upperBound)
                            for (tree, root) in roots.enumerated() {
                                walk(block, root: Int(root), steps: depths[tree], nodes: nodes.base,
                                     pathLengths: leaves.base, data: data.base, columns: columns, totals: out.base)
                            }
                            blockStart = block.upperBound
                        }
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
    pathLengths: UnsafePointer<Double>, data: UnsafePointer<Double>, columns: Int, totals: UnsafeMutablePointer<Double>
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
                    let value = data[scratch[width &+ r] &+ Int(here.feature)]
                    scratch[r] = Int(here.left) &+ (value <= here.threshold ? 0 : 1)
                }
            }
            for r in 0..<count {
                totals[position &+ r] += pathLengths[scratch[r]]
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
