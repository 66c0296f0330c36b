/// Depth-first k-nearest-neighbour search in a `KDTree`: nearer child first by distance to the
/// children's bounding boxes, pruning a box farther than the current k-th candidate.
extension KDTree {
    /// Offers to `heap` every training row that can be among the k nearest of `query`
    /// (skipping row `excluding`); afterwards the heap holds the k nearest.
    func search(_ query: UnsafePointer<Double>, heap: NeighborHeap, excluding: Int32) {
        guard !start.isEmpty else { return }
        points.withUnsafeBufferPointer { points in
            rows.withUnsafeBufferPointer { rows in
                start.withUnsafeBufferPointer { start in
                    end.withUnsafeBufferPointer { end in
                        splitDimension.withUnsafeBufferPointer { splitDimension in
                            left.withUnsafeBufferPointer { left in
                                lower.withUnsafeBufferPointer { lower in
                                    upper.withUnsafeBufferPointer { upper in
                                        let walker = KDWalker(
                                            points: points, rows: rows, start: start, end: end,
                                            splitDimension: splitDimension, left: left, lower: lower, upper: upper,
                                            columns: columns, query: query, heap: heap, excluding: excluding
                                        )
                                        walker.visit(0)
                                    }
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
    let left: UnsafeBufferPointer<Int32>
    let lower: UnsafeBufferPointer<Double>
    let upper: UnsafeBufferPointer<Double>
    let columns: Int
    let query: UnsafePointer<Double>
    let heap: NeighborHeap
    let excluding: Int32

    /// Relative slack on the pruning bound, so rounding in a box distance can never prune a row
    /// whose distance exactly ties the current k-th (ties must all be seen to be detected).
    static let slack = 1.0 + 1e-9

    func visit(_ node: Int) {
        if splitDimension[node] < 0 {
            scanLeaf(node)
            return
        }
        let a = Int(left[node])
        let b = a + 1
        let boundA = boxDistance(a)
        let boundB = boxDistance(b)
        let (near, nearBound, far, farBound) = boundA <= boundB ? (a, boundA, b, boundB) : (b, boundB, a, boundA)
        if nearBound <= heap.worst * Self.slack { visit(near) }
        if farBound <= heap.worst * Self.slack { visit(far) }
    }

    /// Squared distance from the query to node's bounding box (0 inside it).
    @inline(__always)
    private func boxDistance(_ node: Int) -> Double {
        var sum = 0.0
        let base = node * columns
        for j in 0..<columns {
            let q = query[j]
            let below = lower[base + j] - q
            let above = q - upper[base + j]
            let gap = max(below, max(above, 0))
            sum += gap * gap
        }
        return sum
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
