/// An exact k-d tree for Euclidean k-nearest-neighbour search (Friedman, Bentley, Finkel 1977).
///
/// Built by splitting on the dimension of largest spread at the median (ties by row number),
/// down to leaves of at most `leafSize` rows. Each node keeps the tight bounding box of its
/// rows, which prunes far better than split planes when a few outliers stretch the cells. The
/// training rows are copied in tree order so a leaf is one contiguous block. Nodes live in flat
/// arrays; nothing is allocated per node.
struct KDTree: Sendable {
    static let leafSize = 64

    let columns: Int
    /// Training rows in tree order, row-major.
    let points: [Double]
    /// Row number (in the indexed data) of each row of `points`.
    let rows: [Int32]
    /// Per node: first and one-past-last position in `points`.
    let start: [Int32]
    let end: [Int32]
    /// Per node: split dimension, or -1 for a leaf.
    let splitDimension: [Int32]
    /// Per node: left child; the right child is `left + 1`.
    let left: [Int32]
    /// Per node and dimension: the tight bounding box of the node's rows (`columns` values each).
    let lower: [Double]
    let upper: [Double]

    init(_ x: FeatureMatrix) {
        var builder = KDTreeBuilder(x: x)
        builder.build()
        columns = x.columns
        rows = builder.order
        var reordered = [Double](repeating: 0, count: x.rows * x.columns)
        for (position, row) in builder.order.enumerated() {
            for j in 0..<x.columns {
                reordered[position * x.columns + j] = x.values[Int(row) * x.columns + j]
            }
        }
        points = reordered
        start = builder.start
        end = builder.end
        splitDimension = builder.splitDimension
        left = builder.left
        var lower = [Double](repeating: .infinity, count: builder.start.count * x.columns)
        var upper = [Double](repeating: -.infinity, count: builder.start.count * x.columns)
        for node in 0..<builder.start.count {
            for p in Int(builder.start[node])..<Int(builder.end[node]) {
                for j in 0..<x.columns {
                    let v = reordered[p * x.columns + j]
                    lower[node * x.columns + j] = min(lower[node * x.columns + j], v)
                    upper[node * x.columns + j] = max(upper[node * x.columns + j], v)
                }
            }
        }
        self.lower = lower
        self.upper = upper
    }
}

/// Builds the node arrays of a `KDTree` breadth-first with an explicit work list.
private struct KDTreeBuilder {
    let x: FeatureMatrix
    var order: [Int32]
    var start: [Int32] = []
    var end: [Int32] = []
    var splitDimension: [Int32] = []
    var left: [Int32] = []

    init(x: FeatureMatrix) {
        self.x = x
        order = (0..<Int32(x.rows)).map { $0 }
    }

    mutating func build() {
        appendNode(0, x.rows)
        var next = 0
        while next < start.count {
            let node = next
            next += 1
            let lo = Int(start[node])
            let hi = Int(end[node])
            guard hi - lo > KDTree.leafSize, let dim = widestDimension(lo, hi) else { continue }
            let mid = lo + (hi - lo) / 2
            select(lo, hi, mid, dim)
            splitDimension[node] = Int32(dim)
            left[node] = Int32(start.count)
            appendNode(lo, mid)
            appendNode(mid, hi)
        }
    }

    private mutating func appendNode(_ lo: Int, _ hi: Int) {
        start.append(Int32(lo))
        end.append(Int32(hi))
        splitDimension.append(-1)
        left.append(-1)
    }

    @inline(__always)
    private func value(_ row: Int32, _ dim: Int) -> Double {
        x.values[Int(row) * x.columns + dim]
    }

    /// The dimension with the largest max − min among rows lo..<hi; nil if all rows coincide.
    private func widestDimension(_ lo: Int, _ hi: Int) -> Int? {
        var best: Int?
        var bestSpread = 0.0
        for dim in 0..<x.columns {
            var mn = Double.infinity
            var mx = -Double.infinity
            for p in lo..<hi {
                let v = value(order[p], dim)
                mn = min(mn, v)
                mx = max(mx, v)
            }
            if mx - mn > bestSpread {
                bestSpread = mx - mn
                best = dim
            }
        }
        return best
    }

    @inline(__always)
    private func less(_ a: Int32, _ b: Int32, _ dim: Int) -> Bool {
        let va = value(a, dim)
        let vb = value(b, dim)
        return va < vb || (va == vb && a < b)
    }

    /// Quickselect (Hoare): afterwards order[mid] is the (mid − lo)-th row of lo..<hi by
    /// (value, row), everything before it is smaller and everything after it larger.
    private mutating func select(_ lo: Int, _ hi: Int, _ mid: Int, _ dim: Int) {
        var l = lo
        var r = hi - 1
        while l < r {
            let pivot = order[l + (r - l) / 2]
            var i = l
            var j = r
            while i <= j {
                while less(order[i], pivot, dim) { i += 1 }
                while less(pivot, order[j], dim) { j -= 1 }
                if i <= j {
                    order.swapAt(i, j)
                    i += 1
                    j -= 1
                }
            }
            if mid <= j { r = j } else if mid >= i { l = i } else { return }
        }
    }
}
