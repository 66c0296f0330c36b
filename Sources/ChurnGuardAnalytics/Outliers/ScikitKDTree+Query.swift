/// scikit-learn's single-tree, depth-first k-nearest query, step for step: prune a node when its
/// bounding-box distance exceeds the current k-th distance, visit the nearer child first (the
/// left one on equal bounds), and keep candidates in scikit-learn's bounded max-heap, which
/// admits only strictly smaller distances and evicts whichever equal maximum sits at its root.
extension ScikitKDTree {
    /// The `k` nearest rows of `query` as scikit-learn's `KDTree.query` would return them
    /// (unsorted): parallel arrays of squared distances and row numbers.
    func query(_ query: [Double], k: Int) -> (squaredDistances: [Double], rows: [Int]) {
        var heap = ScikitHeap(capacity: k)
        visit(0, query, minSquaredDistance(0, query), &heap)
        return (heap.values, heap.rows)
    }

    private func visit(_ node: Int, _ q: [Double], _ bound: Double, _ heap: inout ScikitHeap) {
        if bound > heap.values[0] { return }
        if 2 * node + 1 >= nodeCount {
            for p in nodeStart[node]..<nodeEnd[node] {
                let row = order[p]
                var sum = 0.0
                for j in 0..<columns {
                    let t = q[j] - data[row * columns + j]
                    sum += t * t
                }
                heap.push(sum, row)
            }
            return
        }
        let a = 2 * node + 1
        let b = a + 1
        let boundA = minSquaredDistance(a, q)
        let boundB = minSquaredDistance(b, q)
        if boundA <= boundB {
            visit(a, q, boundA, &heap)
            visit(b, q, boundB, &heap)
        } else {
            visit(b, q, boundB, &heap)
            visit(a, q, boundA, &heap)
        }
    }

    /// Squared distance from `q` to the node's bounding box, with scikit-learn's arithmetic.
    private func minSquaredDistance(_ node: Int, _ q: [Double]) -> Double {
        var sum = 0.0
        for j in 0..<columns {
            let below = lower[node * columns + j] - q[j]
            let above = q[j] - upper[node * columns + j]
            let twice = (below + abs(below)) + (above + abs(above))
            let half = 0.5 * twice
            sum += half * half
        }
        return sum
    }
}

/// scikit-learn's fixed-size neighbour max-heap (`heap_push`), reproduced for its tie behaviour.
struct ScikitHeap {
    var values: [Double]
    var rows: [Int]

    init(capacity: Int) {
        values = [Double](repeating: .infinity, count: capacity)
        rows = [Int](repeating: 0, count: capacity)
    }

    mutating func push(_ value: Double, _ row: Int) {
        let size = values.count
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
