import RealModule

/// One node of an isolation tree, stored by value in a flat array.
///
/// An internal node splits on `feature` at a finite `threshold` (`x <= threshold` goes to
/// `left`, the rest to `left + 1`). A leaf has threshold +∞, feature 0 and `left` pointing at
/// itself, so a walk can take extra steps with no branch: every non-NaN value stays put. Its
/// path length (depth plus `c(size)` of the training samples that reached it) is kept apart,
/// in the forest's `pathLengths`, indexed like the nodes.
struct IsolationNode: Sendable {
    var threshold: Double
    var feature: Int32
    var left: Int32

    var isLeaf: Bool { threshold == .infinity }
}

/// Builds isolation trees into one shared, flat node array (Liu, Ting, Zhou 2008), following
/// scikit-learn's `ExtraTreeRegressor(max_features=1, splitter="random")` as used by its
/// `IsolationForest`: a uniformly drawn non-constant feature, a threshold uniform in
/// [min, max) of that feature in the node, leaves at `maxDepth` or one sample.
struct IsolationTreeBuilder {
    /// Spread under which a feature counts as constant in a node (scikit-learn's FEATURE_THRESHOLD).
    static let constantSpread = 1e-7

    let data: UnsafeBufferPointer<Double>
    let columns: Int
    let maxDepth: Int
    var nodes: [IsolationNode]
    var pathLengths: [Double]

    private struct Pending {
        var node: Int
        var start: Int
        var end: Int
        var depth: Int
    }

    /// Grows one tree over the training rows in `sample` (which it reorders); returns its root
    /// and the depth of its deepest leaf.
    mutating func grow(sample: inout [Int], generator: inout SeededGenerator) -> (root: Int32, depth: Int) {
        let root = nodes.count
        appendPlaceholder()
        var stack = [Pending(node: root, start: 0, end: sample.count, depth: 0)]
        var features = Array(0..<columns)
        var deepest = 0
        while let task = stack.popLast() {
            let count = task.end - task.start
            guard task.depth < maxDepth, count > 1,
                  let split = chooseSplit(sample, task.start, task.end, &features, &generator)
            else {
                let pathLength = Double(task.depth) + averagePathLength(count)
                nodes[task.node] = IsolationNode(threshold: .infinity, feature: 0, left: Int32(task.node))
                pathLengths[task.node] = pathLength
                deepest = max(deepest, task.depth)
                continue
            }
            let mid = partition(&sample, task.start, task.end, split.feature, split.threshold)
            let left = nodes.count
            appendPlaceholder()
            appendPlaceholder()
            nodes[task.node] = IsolationNode(threshold: split.threshold, feature: Int32(split.feature), left: Int32(left))
            stack.append(Pending(node: left + 1, start: mid, end: task.end, depth: task.depth + 1))
            stack.append(Pending(node: left, start: task.start, end: mid, depth: task.depth + 1))
        }
        return (Int32(root), deepest)
    }

    private mutating func appendPlaceholder() {
        nodes.append(IsolationNode(threshold: .infinity, feature: 0, left: Int32(nodes.count)))
        pathLengths.append(0)
    }

    /// Draws features without replacement until one is not constant in the node; nil if all are.
    private func chooseSplit(
        _ sample: [Int], _ start: Int, _ end: Int,
        _ features: inout [Int], _ generator: inout SeededGenerator
    ) -> (feature: Int, threshold: Double)? {
        var remaining = features.count
        while remaining > 0 {
            let pick = generator.nextIndex(below: remaining)
            let f = features[pick]
            var lo = Double.infinity
            var hi = -Double.infinity
            for s in start..<end {
                let v = data[sample[s] * columns + f]
                lo = Swift.min(lo, v)
                hi = Swift.max(hi, v)
            }
            if hi <= lo + Self.constantSpread {
                features.swapAt(pick, remaining - 1)
                remaining -= 1
                continue
            }
            let u = generator.nextUnitDouble()
            let span = hi - lo
            // A convex combination when the span overflows (values near ±1.8e308).
            var threshold = span.isFinite ? lo + u * span : lo * (1 - u) + hi * u
            if threshold >= hi { threshold = lo }
            return (f, threshold)
        }
        return nil
    }

    /// Moves rows with `x[feature] <= threshold` before the others; returns the boundary.
    private func partition(_ sample: inout [Int], _ start: Int, _ end: Int, _ feature: Int, _ threshold: Double) -> Int {
        var i = start
        var j = end - 1
        while i <= j {
            if data[sample[i] * columns + feature] <= threshold {
                i += 1
            } else {
                sample.swapAt(i, j)
                j -= 1
            }
        }
        return i
    }
}

/// c(n): the average path length of an unsuccessful search in a binary search tree of n nodes,
/// used to normalize isolation depths. Defined as 0 for n ≤ 1 and 1 for n = 2, as scikit-learn does.
func averagePathLength(_ n: Int) -> Double {
    if n <= 1 { return 0 }
    if n == 2 { return 1 }
    let m = Double(n)
    let eulerGamma = 0.577_215_664_901_532_860_606_512_090_082_402_431_042
    return 2.0 * (Double.log(m - 1.0) + eulerGamma) - 2.0 * (m - 1.0) / m
}
