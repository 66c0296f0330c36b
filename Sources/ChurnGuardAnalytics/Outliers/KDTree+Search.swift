/// Depth-first k-nearest-neighbour search in a `KDTree`, nearer child first, with the
/// incremental cell distance of Arya and Mount (1993) to prune far children.
extension KDTree {
    /// Offers to `heap` every training row that can be among the k nearest of `query`
    /// (skipping row `excluding`); afterwards the heap holds the canonical k nearest.
    func search(_ query: UnsafePointer<Double>, heap: NeighborHeap, excluding: Int32, offsets: UnsafeMutablePointer<Double>) {
        guard !start.isEmpty else { return }
        for j in 0..<columns { offsets[j] = 0 }
        points.withUnsafeBufferPointer { points in
            rows.withUnsafeBufferPointer { rows in
                start.withUnsafeBufferPointer { start in
                    end.withUnsafeBufferPointer { end in
                        splitDimension.withUnsafeBufferPointer { splitDimension in
                            splitValue.withUnsafeBufferPointer { splitValue in
                                left.withUnsafeBufferPointer { left in
                                    let walker = KDWalker(
                                        points: points, rows: rows, start: start, end: end,
                                        splitDimension: splitDimension, splitValue: splitValue, left: left,
                                        columns: columns, query: query, heap: heap, excluding: excluding,
                                        offsets: offsets
                                    )
                                    walker.visit(0, cellDistance: 0)
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}

/// The per-query state of a k-d tree search, as raw buffers so the recursion does no
/// reference counting or bounds checks.
private struct KDWalker {
    let points: UnsafeBufferPointer<Double>
    let rows: UnsafeBufferPointer<Int32>
    let start: UnsafeBufferPointer<Int32>
    let end: UnsafeBufferPointer<Int32>
    let splitDimension: UnsafeBufferPointer<Int32>
    let splitValue: UnsafeBufferPointer<Double>
    let left: UnsafeBufferPointer<Int32>
    let columns: Int
    let query: UnsafePointer<Double>
    let heap: NeighborHeap
    let excluding: Int32
    /// Per dimension, the query's current distance to the cell along that axis.
    let offsets: UnsafeMutablePointer<Double>

    /// Relative slack on the pruning bound, so rounding in the incremental cell distance can
    /// never prune a row whose distance exactly ties the current k-th (ties decide by index).
    static let slack = 1.0 + 1e-9

    func visit(_ node: Int, cellDistance: Double) {
        let dim = Int(splitDimension[node])
        if dim < 0 {
            scanLeaf(node)
            return
        }
        let diff = query[dim] - splitValue[node]
        let near = Int(left[node]) + (diff <= 0 ? 0 : 1)
        let far = Int(left[node]) + (diff <= 0 ? 1 : 0)
        visit(near, cellDistance: cellDistance)
        let old = offsets[dim]
        let farDistance = cellDistance - old * old + diff * diff
        if farDistance <= heap.worst * Self.slack {
            offsets[dim] = diff
            visit(far, cellDistance: farDistance)
            offsets[dim] = old
        }
    }

    private func scanLeaf(_ node: Int) {
        guard let base = points.baseAddress else { return }
        for p in Int(start[node])..<Int(end[node]) {
            let row = rows[p]
            if row == excluding { continue }
            let bound = heap.worst
            let d = squaredDistance(query, base + p * columns, columns, bound: bound)
            if d <= bound { heap.offer(d, row) }
        }
    }
}
