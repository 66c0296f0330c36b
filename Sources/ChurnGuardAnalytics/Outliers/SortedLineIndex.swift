/// Exact k-nearest-neighbour search for one-dimensional data: a sorted array searched outwards
/// from the query's position. O(log n + k + ties) per query, no tree needed for d = 1.
struct SortedLineIndex: Sendable {
    /// Training values sorted ascending (ties by row number).
    let values: [Double]
    /// Row number of each entry of `values`.
    let rows: [Int32]

    init(_ column: [Double]) {
        let order = (0..<column.count).sorted { column[$0] < column[$1] || (column[$0] == column[$1] && $0 < $1) }
        values = order.map { column[$0] }
        rows = order.map { Int32($0) }
    }

    /// Offers the training points to `heap` in order of distance from `q`, stopping once the next
    /// one is farther than the heap's worst entry. Skips row `excluding`.
    func search(_ q: Double, heap: NeighborHeap, excluding: Int32) {
        let n = values.count
        var right = lowerBound(q)
        var left = right - 1
        values.withUnsafeBufferPointer { v in
            rows.withUnsafeBufferPointer { r in
                while left >= 0 || right < n {
                    let dl = left >= 0 ? (q - v[left]) * (q - v[left]) : Double.infinity
                    let dr = right < n ? (v[right] - q) * (v[right] - q) : Double.infinity
                    let takeLeft = dl <= dr
                    let d = takeLeft ? dl : dr
                    if d > heap.worst { return }
                    let row = takeLeft ? r[left] : r[right]
                    if takeLeft { left -= 1 } else { right += 1 }
                    if row != excluding { heap.offer(d, row) }
                }
            }
        }
    }

    /// The first position whose value is not less than `q`.
    private func lowerBound(_ q: Double) -> Int {
        var lo = 0
        var hi = values.count
        while lo < hi {
            let mid = (lo + hi) / 2
            if values[mid] < q { lo = mid + 1 } else { hi = mid }
        }
        return lo
    }
}
