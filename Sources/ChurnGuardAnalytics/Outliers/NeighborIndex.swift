/// Exact Euclidean k-nearest-neighbour queries over a fixed set of training rows: a sorted array
/// for one feature, a k-d tree otherwise. Results are canonical: sorted by (distance, row), the
/// lower row winning ties, independent of the search structure.
struct NeighborIndex: Sendable {
    private enum Storage: Sendable {
        case line(SortedLineIndex)
        case tree(KDTree)
    }

    private let storage: Storage
    /// The indexed rows, kept for the tie-settling reference tree.
    private let indexed: FeatureMatrix
    /// Number of indexed rows.
    let count: Int
    /// Number of features.
    let columns: Int

    /// Indexes every row of `x` (all rows must be finite).
    init(_ x: FeatureMatrix) {
        count = x.rows
        columns = x.columns
        indexed = x
        storage = x.columns == 1 ? .line(SortedLineIndex(x.values)) : .tree(KDTree(x))
    }

    /// The `k` nearest indexed rows of each row of `queries`, chosen as scikit-learn chooses them.
    ///
    /// With `excludingSelf`, `queries` must be the indexed rows themselves and row i never counts
    /// as its own neighbour (scikit-learn's `kneighbors()` without arguments). `k` must not
    /// exceed the number of candidate rows. Each query first runs on the fast index for k + 1
    /// candidates; only when the k-th and (k+1)-th are equidistant, so that the set may not be
    /// unique, is it re-run on a `ScikitKDTree` to pick the same tied rows as scikit-learn.
    ///
    /// Queries marked in `skipping` are not searched: their list is the query row itself k times
    /// at distance 0, which is what LOF computes for a row with at least k exact duplicates.
    func neighbors(
        of queries: FeatureMatrix, k: Int, excludingSelf: Bool, parallelism: Int = 1, skipping: [Bool]? = nil
    ) -> NeighborLists {
        var lists = NeighborLists(
            k: k,
            distances: [Double](repeating: 0, count: queries.rows * k),
            indices: [Int32](repeating: 0, count: queries.rows * k)
        )
        guard k > 0, queries.rows > 0 else { return lists }
        var tiedFlags = [Bool](repeating: false, count: queries.rows)
        let order = queryOrder(queries.rows, excludingSelf: excludingSelf)
        queries.values.withUnsafeBufferPointer { q in
            lists.distances.withUnsafeMutableBufferPointer { outD in
                lists.indices.withUnsafeMutableBufferPointer { outI in
                    tiedFlags.withUnsafeMutableBufferPointer { flags in
                        guard let qBase = q.baseAddress, let dBase = outD.baseAddress,
                              let iBase = outI.baseAddress, let fBase = flags.baseAddress else { return }
                        let input = SharedReadPointer(base: qBase)
                        let distances = SharedPointer(base: dBase)
                        let indices = SharedPointer(base: iBase)
                        let tied = SharedPointer(base: fBase)
                        forEachChunk(count: order.count, parallelism: parallelism) { range in
                            searchChunk(
                                order[range], k: k, excludingSelf: excludingSelf, skipping: skipping, queries: input.base,
                                distances: distances.base, indices: indices.base, tied: tied.base
                            )
                        }
                    }
                }
            }
        }
        let tied = tiedFlags.indices.filter { tiedFlags[$0] }
        if !tied.isEmpty {
            resolveTies(tied, queries: queries, k: k, excludingSelf: excludingSelf, parallelism: parallelism, into: &lists)
        }
        return lists
    }

    /// Runs the fast search for the queries in `chunk`, writing their k nearest and flagging
    /// queries whose k-th and (k+1)-th candidates are (nearly) equidistant.
    private func searchChunk(
        _ chunk: ArraySlice<Int>, k: Int, excludingSelf: Bool, skipping: [Bool]?, queries: UnsafePointer<Double>,
        distances: UnsafeMutablePointer<Double>, indices: UnsafeMutablePointer<Int32>,
        tied: UnsafeMutablePointer<Bool>
    ) {
        let capacity = k + 1
        let heapDistances = UnsafeMutablePointer<Double>.allocate(capacity: capacity)
        let heapIndices = UnsafeMutablePointer<Int32>.allocate(capacity: capacity)
        let sortedDistances = UnsafeMutablePointer<Double>.allocate(capacity: capacity)
        let sortedIndices = UnsafeMutablePointer<Int32>.allocate(capacity: capacity)
        defer {
            heapDistances.deallocate()
            heapIndices.deallocate()
            sortedDistances.deallocate()
            sortedIndices.deallocate()
        }
        let heap = NeighborHeap(distances: heapDistances, indices: heapIndices, capacity: capacity)
        var seeds: [Double] = []
        var previous = -1
        for i in chunk {
            if let skipping, skipping[i] {
                for j in 0..<k {
                    distances[i * k + j] = 0
                    indices[i * k + j] = Int32(i)
                }
                continue
            }
            // Self-queries run in tree order, so the previous row and its neighbours are close by:
            // the (k+1)-th smallest of their distances bounds the search from its first node.
            var bound = Double.infinity
            if excludingSelf, previous >= 0, case .tree = storage {
                seeds.removeAll(keepingCapacity: true)
                let query = queries + i * columns
                for slot in -1..<capacity {
                    let row = slot < 0 ? Int32(previous) : sortedIndices[slot]
                    if row == Int32.max || row == Int32(i) { continue }
                    seeds.append(squaredDistance(query, queries + Int(row) * columns, columns, bound: .infinity))
                }
                if seeds.count >= capacity {
                    seeds.sort()
                    bound = seeds[capacity - 1]
                }
            }
            previous = i
            heap.reset(bound: bound)
            let excluded: Int32 = excludingSelf ? Int32(i) : -1
            let query = queries + i * columns
            switch storage {
            case .line(let line): line.search(query[0], heap: heap, excluding: excluded)
            case .tree(let tree): tree.search(query, heap: heap, excluding: excluded)
            }
            heap.drainSquared(distancesOut: sortedDistances, indicesOut: sortedIndices)
            // Exact ties decide scikit-learn's choice; near-ties (1e-12 relative) are re-run too,
            // so a last-bit difference in distance arithmetic can never hide a tie.
            let next = sortedDistances[k]
            // A tie at distance 0 is among exact duplicates of the query, more than k of them:
            // they all have k-distance 0 and density 1e10, so any choice gives the same factor.
            tied[i] = next.isFinite && next > 0 && next - sortedDistances[k - 1] <= 1e-12 * next
            for j in 0..<k {
                distances[i * k + j] = sortedDistances[j].squareRoot()
                indices[i * k + j] = sortedIndices[j]
            }
        }
    }

    /// Re-runs the tied queries the way scikit-learn's k-d tree runs them, in parallel chunks
    /// that each rewrite only their own queries' rows.
    private func resolveTies(_ tied: [Int], queries: FeatureMatrix, k: Int, excludingSelf: Bool, parallelism: Int, into lists: inout NeighborLists) {
        let reference = ScikitKDTree(indexed)
        let columns = self.columns
        queries.values.withUnsafeBufferPointer { q in
            lists.distances.withUnsafeMutableBufferPointer { outD in
                lists.indices.withUnsafeMutableBufferPointer { outI in
                    guard let qBase = q.baseAddress, let dBase = outD.baseAddress, let iBase = outI.baseAddress else { return }
                    let input = SharedReadPointer(base: qBase)
                    let distances = SharedPointer(base: dBase)
                    let indices = SharedPointer(base: iBase)
                    forEachChunk(count: tied.count, parallelism: parallelism, minimumChunk: 64) { range in
                        let size = excludingSelf ? k + 1 : k
                        let values = UnsafeMutablePointer<Double>.allocate(capacity: size)
                        let rows = UnsafeMutablePointer<Int>.allocate(capacity: size)
                        defer {
                            values.deallocate()
                            rows.deallocate()
                        }
                        for i in tied[range] {
                            reference.query(input.base + i * columns, k: size, values: values, rows: rows)
                            var pairs = (0..<size).map { (values[$0], rows[$0]) }
                            pairs.sort { $0.0 < $1.0 || ($0.0 == $1.0 && $0.1 < $1.1) }
                            if excludingSelf {
                                // scikit-learn drops the row itself, or the first column when k + 1
                                // duplicates crowd it out (all at distance 0: either choice is equal).
                                pairs.remove(at: pairs.firstIndex { $0.1 == i } ?? 0)
                            }
                            for (j, pair) in pairs.prefix(k).enumerated() {
                                distances.base[i * k + j] = pair.0.squareRoot()
                                indices.base[i * k + j] = Int32(pair.1)
                            }
                        }
                    }
                }
            }
        }
    }

    /// Self-queries run in tree order, so consecutive queries touch the same leaves.
    private func queryOrder(_ n: Int, excludingSelf: Bool) -> [Int] {
        if excludingSelf, case .tree(let tree) = storage, tree.rows.count == n {
            return tree.rows.map { Int($0) }
        }
        return Array(0..<n)
    }
}
