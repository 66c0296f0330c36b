/// scikit-learn's single-tree, depth-first k-nearest query, step for step: prune a node when its
/// bounding-box distance exceeds the current k-th distance, visit the nearer child first (the
/// left one on equal bounds), and keep candidates in scikit-learn's bounded max-heap, which
/// admits only strictly smaller distances and evicts whichever equal maximum sits at its root.
extension ScikitKDTree {
    /// The `k` nearest rows of `query` as scikit-learn's `KDTree.query` would return them
    /// (unsorted): squared distances into `values` and row numbers into `rows`, `k` each.
    func query(_ query: UnsafePointer<Double>, k: Int, values: UnsafeMutablePointer<Double>, rows: UnsafeMutablePointer<Int>) {
        for i in 0..<k {
            values[i] = .infinity
            rows[i] = 0
        }
        data.withUnsafeBufferPointer { data in
            order.withUnsafeBufferPointer { order in
                nodeStart.withUnsafeBufferPointer { nodeStart in
                    nodeEnd.withUnsafeBufferPointer { nodeEnd in
                        lower.withUnsafeBufferPointer { lower in
                            upper.withUnsafeBufferPointer { upper in
                                let walker = ScikitWalker(
                                    data: data, order: order, nodeStart: nodeStart, nodeEnd: nodeEnd,
                                    lower: lower, upper: upper, nodeCount: nodeCount, columns: columns,
                                    query: query, heap: ScikitHeap(values: values, rows: rows, size: k)
                                )
                                walker.visit(0, walker.boxDistance(0))
                            }
                        }
                    }
                }
            }
        }
    }
}

/// One query's walk through a `ScikitKDTree`, on raw buffers.
private struct ScikitWalker {
    let data: UnsafeBufferPointer<Double>
    let order: UnsafeBufferPointer<Int>
    let nodeStart: UnsafeBufferPointer<Int>
    let nodeEnd: UnsafeBufferPointer<Int>
    let lower: UnsafeBufferPointer<Double>
    let upper: UnsafeBufferPointer<Double>
    let nodeCount: Int
    let columns: Int
    let query: UnsafePointer<Double>
    let heap: ScikitHeap

    func visit(_ node: Int, _ bound: Double) {
        if bound > heap.values[0] { return }
        if 2 * node + 1 >= nodeCount {
            for p in nodeStart[node]..<nodeEnd[node] {
                let row = order[p]
                var sum = 0.0
                for j in 0..<columns {
                    let t = query[j] - data[row * columns + j]
                    sum += t * t
                }
                heap.push(sum, row)
            }
            return
        }
        let a = 2 * node + 1
        let b = a + 1
        let boundA = boxDistance(a)
        let boundB = boxDistance(b)
        if boundA <= boundB {
            visit(a, boundA)
            visit(b, boundB)
        } else {
            visit(b, boundB)
            visit(a, boundA)
        }
    }

    /// Squared distance from the query to the node's bounding box, with scikit-learn's arithmetic.
    func boxDistance(_ node: Int) -> Double {
        var sum = 0.0
        for j in 0..<columns {
            let below = lower[node * columns + j] - query[j]
            let above = query[j] - upper[node * columns + j]
            let half = 0.5 * ((below + abs(below)) + (above + abs(above)))
            sum += half * half
        }
        return sum
    }
}

/// scikit-learn's fixed-size neighbour max-heap (`heap_push`), reproduced for its tie behaviour.
private struct ScikitHeap {
    let values: UnsafeMutablePointer<Double>
    let rows: UnsafeMutablePointer<Int>
    let size: Int

    func push(_ value: Double, _ row: Int) {
        guard size > 0, value < values[0] else { return }
        var current = 0
        while true {
            let left = 2 * current + 1
            let right = left + 1
            let swap: Int
            if left >= size {
                break
            } else if right >= size {
                if values[left] > value { swap = left } else { break }
            } else if values[left] >= values[right] {
                if value < values[left] { swap = left } else { break }
            } else {
                if value < values[right] { swap = right } else { break }
            }
            values[current] = values[swap]
            rows[current] = rows[swap]
            current = swap
        }
        values[current] = value
        rows[current] = row
    }
}
