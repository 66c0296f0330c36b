/// A bounded max-heap of the k best neighbour candidates, ordered by (squared distance, index).
///
/// Ordering ties by the training index makes the k-nearest set canonical: among points at equal
/// distance the lower row index wins, whatever order the search visits them in. The heap lives
/// in caller-provided scratch memory so a search allocates nothing per query.
struct NeighborHeap {
    let distances: UnsafeMutablePointer<Double>
    let indices: UnsafeMutablePointer<Int32>
    let capacity: Int

    /// Empties the heap: every slot holds a sentinel worse than any real candidate within `bound`.
    ///
    /// A finite `bound` is safe only when at least `capacity` real rows lie within it: they then
    /// displace every sentinel (a real row beats a sentinel at equal distance), and the search can
    /// prune with that bound from the start.
    func reset(bound: Double = .infinity) {
        for i in 0..<capacity {
            distances[i] = bound
            indices[i] = .max
        }
    }

    /// The squared distance a candidate must not exceed to enter the heap.
    @inline(__always)
    var worst: Double { distances[0] }

    /// Offers a candidate; it replaces the current worst if it is better in (distance, index) order.
    @inline(__always)
    func offer(_ distance: Double, _ index: Int32) {
        let top = distances[0]
        guard distance < top || (distance == top && index < indices[0]) else { return }
        siftDown(distance, index)
    }

    private func siftDown(_ distance: Double, _ index: Int32) {
        var slot = 0
        while true {
            var child = 2 * slot + 1
            if child >= capacity { break }
            if child + 1 < capacity, isWorse(child + 1, than: child) { child += 1 }
            let cd = distances[child]
            if cd < distance || (cd == distance && indices[child] < index) { break }
            distances[slot] = cd
            indices[slot] = indices[child]
            slot = child
        }
        distances[slot] = distance
        indices[slot] = index
    }

    @inline(__always)
    private func isWorse(_ a: Int, than b: Int) -> Bool {
        distances[a] > distances[b] || (distances[a] == distances[b] && indices[a] > indices[b])
    }

    /// Writes the heap contents sorted ascending by (squared distance, index); the heap is left
    /// in an unspecified state. Insertion sort: the heap holds only k + 1 entries.
    func drainSquared(distancesOut: UnsafeMutablePointer<Double>, indicesOut: UnsafeMutablePointer<Int32>) {
        for i in 0..<capacity {
            let d = distances[i]
            let x = indices[i]
            var j = i
            while j > 0, distancesOut[j - 1] > d || (distancesOut[j - 1] == d && indicesOut[j - 1] > x) {
                distancesOut[j] = distancesOut[j - 1]
                indicesOut[j] = indicesOut[j - 1]
                j -= 1
            }
            distancesOut[j] = d
            indicesOut[j] = x
        }
    }
}

/// The k nearest training rows of each query row, ascending by (distance, index).
struct NeighborLists: Sendable {
    /// Neighbours per query.
    let k: Int
    /// Euclidean distances, `k` per query, row-major.
    var distances: [Double]
    /// Training row numbers (within the indexed rows), `k` per query, row-major.
    var indices: [Int32]
}

/// Squared Euclidean distance summed feature by feature in order (as scikit-learn's trees do,
/// so equal distances there are equal here). Early abandonment is checked only every eight
/// features: a data-dependent branch per feature costs more than it saves at low dimension.
@inline(__always)
func squaredDistance(
    _ a: UnsafePointer<Double>, _ b: UnsafePointer<Double>, _ count: Int, bound: Double
) -> Double {
    var sum = 0.0
    var j = 0
    while j < count {
        let stop = min(j &+ 8, count)
        while j < stop {
            let t = a[j] - b[j]
            sum += t * t
            j &+= 1
        }
        if sum > bound { return sum }
    }
    return sum
}
