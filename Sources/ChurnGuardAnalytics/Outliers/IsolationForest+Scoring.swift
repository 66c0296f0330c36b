/// The hot loop of Isolation Forest scoring: tree after tree over all rows, on flat arrays.
extension IsolationForest {
    /// Sum over trees of each row's path length h(x) (leaf depth plus c(leaf size)).
    ///
    /// Trees are the outer loop so one tree's nodes stay in cache while every row walks it.
    /// NaN compares false against every threshold and so walks right; callers mask NaN rows.
    func totalPathLengths(_ x: FeatureMatrix) -> [Double] {
        var totals = [Double](repeating: 0, count: x.rows)
        let columns = x.columns
        let rowCount = x.rows
        nodes.withUnsafeBufferPointer { nodes in
            x.values.withUnsafeBufferPointer { data in
                totals.withUnsafeMutableBufferPointer { totals in
                    for root in roots {
                        for i in 0..<rowCount {
                            let base = i * columns
                            var node = Int(root)
                            while true {
                                let current = nodes[node]
                                if current.feature < 0 {
                                    totals[i] += current.threshold
                                    break
                                }
                                let value = data[base + Int(current.feature)]
                                node = Int(current.left) + (value <= current.threshold ? 0 : 1)
                            }
                        }
                    }
                }
            }
        }
        return totals
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

    /// Whether row `index` holds no NaN (finite values and ±∞ are allowed).
    func isFiniteRowOrInfinite(_ index: Int) -> Bool {
        !hasNaN(row: index)
    }
}
