/// Introselect partial sorting with the exact element movements of the GNU C++ library's
/// `std::nth_element` (median-of-three quickselect, heap selection past a depth limit,
/// insertion sort below four elements).
///
/// scikit-learn partitions k-d tree nodes with `std::nth_element`, and the order it leaves
/// inside a leaf decides which of several equidistant points a k-nearest query keeps. Matching
/// scikit-learn's neighbours on tied data therefore needs the same permutation, not just any
/// valid partition. `less` must be a strict total order.
struct IntroSelect {
    let less: (Int, Int) -> Bool

    /// Rearranges `a[first..<last]` so `a[nth]` is the element a full sort would put there, with
    /// no greater element before it and no smaller one after it.
    func select(_ a: inout [Int], _ first: Int, _ nth: Int, _ last: Int) {
        guard first < last, nth < last else { return }
        var lo = first
        var hi = last
        var depthLimit = 2 * floorLog2(last - first)
        while hi - lo > 3 {
            if depthLimit == 0 {
                heapSelect(&a, lo, nth + 1, hi)
                a.swapAt(lo, nth)
                return
            }
            depthLimit -= 1
            let cut = partitionAroundMedian(&a, lo, hi)
            if cut <= nth { lo = cut } else { hi = cut }
        }
        insertionSort(&a, lo, hi)
    }

    private func floorLog2(_ n: Int) -> Int {
        (Int.bitWidth - 1) - n.leadingZeroBitCount
    }

    /// Moves the median of a[lo+1], a[mid], a[hi-1] to a[lo], then partitions around it.
    private func partitionAroundMedian(_ a: inout [Int], _ lo: Int, _ hi: Int) -> Int {
        let mid = lo + (hi - lo) / 2
        let x = lo + 1, y = mid, z = hi - 1
        let median: Int
        if less(a[x], a[y]) {
            median = less(a[y], a[z]) ? y : (less(a[x], a[z]) ? z : x)
        } else {
            median = less(a[x], a[z]) ? x : (less(a[y], a[z]) ? z : y)
        }
        a.swapAt(lo, median)
        var i = lo + 1
        var j = hi
        let pivot = a[lo]
        while true {
            while less(a[i], pivot) { i += 1 }
            j -= 1
            while less(pivot, a[j]) { j -= 1 }
            if !(i < j) { return i }
            a.swapAt(i, j)
            i += 1
        }
    }

    private func insertionSort(_ a: inout [Int], _ lo: Int, _ hi: Int) {
        guard hi - lo > 1 else { return }
        for i in (lo + 1)..<hi {
            let value = a[i]
            if less(value, a[lo]) {
                var k = i
                while k > lo { a[k] = a[k - 1]; k -= 1 }
                a[lo] = value
            } else {
                var k = i
                while less(value, a[k - 1]) { a[k] = a[k - 1]; k -= 1 }
                a[k] = value
            }
        }
    }

    /// Keeps the (middle − lo) smallest of a[lo..<hi] in a max-heap at a[lo..<middle].
    private func heapSelect(_ a: inout [Int], _ lo: Int, _ middle: Int, _ hi: Int) {
        let length = middle - lo
        if length >= 2 {
            var parent = (length - 2) / 2
            while true {
                adjustHeap(&a, lo, parent, length, a[lo + parent])
                if parent == 0 { break }
                parent -= 1
            }
        }
        var i = middle
        while i < hi {
            if less(a[i], a[lo]) {
                let value = a[i]
                a[i] = a[lo]
                adjustHeap(&a, lo, 0, length, value)
            }
            i += 1
        }
    }

    /// Sifts the hole at `hole` down to a leaf, then pushes `value` back up (libstdc++'s order).
    private func adjustHeap(_ a: inout [Int], _ base: Int, _ start: Int, _ length: Int, _ value: Int) {
        let top = start
        var hole = start
        var child = start
        while child < (length - 1) / 2 {
            child = 2 * (child + 1)
            if less(a[base + child], a[base + child - 1]) { child -= 1 }
            a[base + hole] = a[base + child]
            hole = child
        }
        if length & 1 == 0, child == (length - 2) / 2 {
            child = 2 * (child + 1)
            a[base + hole] = a[base + child - 1]
            hole = child - 1
        }
        var parent = (hole - 1) / 2
        while hole > top, less(a[base + parent], value) {
            a[base + hole] = a[base + parent]
            hole = parent
            parent = (hole - 1) / 2
        }
        a[base + hole] = value
    }
}
