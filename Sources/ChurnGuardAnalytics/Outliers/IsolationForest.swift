import RealModule

/// Isolation Forest (Liu, Ting, Zhou 2008): anomalies are the points that random axis-aligned
/// splits isolate in few steps.
///
/// The score of a point is `s = 2^(−E[h(x)] / c(ψ))`, exactly the negation of scikit-learn's
/// `IsolationForest.score_samples`: `h(x)` is the depth of the leaf reached plus `c(size)` for
/// the training samples that ended there, `ψ` the subsample size, and `c` the average path length
/// of a binary search tree. Scores lie in (0, 1]; about 0.5 is ordinary and values near 1 are
/// anomalous. Training is seeded: the same data, options and seed give the same forest.
///
/// Rows holding NaN or ±∞ are left out of training; at scoring, a row with a NaN scores NaN and
/// ±∞ fall to the outer side of every split. See docs/ANOMALY_DETECTION.md.
public struct IsolationForest: Sendable {
    /// Training parameters; the defaults are scikit-learn's. Zero or negative tree or sample
    /// counts give a forest that scores every row 0.5.
    public struct Options: Sendable, Equatable {
        /// Number of trees (scikit-learn's `n_estimators`).
        public var nEstimators: Int
        /// Rows drawn without replacement for each tree (`max_samples`); clamped to the number of
        /// training rows, like scikit-learn's "auto" and its integer form.
        public var maxSamples: Int
        /// Seed of the only source of randomness.
        public var seed: UInt64
        /// Expected share of anomalies in the training data, in (0, 0.5]. When set, `threshold`
        /// is the matching quantile of the training scores; when nil, it is 0.5
        /// (scikit-learn's `contamination="auto"`).
        public var contamination: Double?
        /// Threads used to score rows (1 = the calling thread only). Scores do not depend on it:
        /// rows are split into disjoint chunks whose results are identical to a sequential run.
        public var parallelism: Int

        /// Creates options; every argument has scikit-learn's default except the explicit seed.
        public init(
            nEstimators: Int = 100, maxSamples: Int = 256, seed: UInt64 = 0,
            contamination: Double? = nil, parallelism: Int = 1
        ) {
            self.nEstimators = nEstimators
            self.maxSamples = maxSamples
            self.seed = seed
            self.contamination = contamination
            self.parallelism = parallelism
        }
    }

    /// The options the forest was trained with.
    public let options: Options
    /// The subsample size actually used per tree (ψ after clamping to the training rows).
    public let samplesPerTree: Int
    /// Number of features the forest was trained on.
    public let columns: Int
    /// Scores strictly above this are anomalies (see `Options.contamination`).
    public let threshold: Double

    let nodes: [IsolationNode]
    /// Per node, the path length of a leaf (0 for internal nodes).
    let pathLengths: [Double]
    let roots: [Int32]
    /// Per tree, the depth of its deepest leaf (the steps a walk needs).
    let depths: [Int]

    /// Trains a forest on the finite rows of `x`.
    ///
    /// With no finite row, or with ψ = 1, no path can be normalized and every score is 0.5
    /// (as in scikit-learn, whose normalizer c(1) is 0).
    public static func fit(_ x: FeatureMatrix, options: Options) -> IsolationForest {
        let finite = (0..<x.rows).filter { x.isFiniteRow($0) }
        let psi = max(0, min(options.maxSamples, finite.count))
        let treeCount = max(0, options.nEstimators)
        var nodes: [IsolationNode] = []
        var pathLengths: [Double] = []
        var roots: [Int32] = []
        var depths: [Int] = []
        if psi > 0, x.columns > 0 {
            let maxDepth = Int((Double.log2(Double(max(psi, 2)))).rounded(.up))
            nodes.reserveCapacity(treeCount * min(2 * psi, 1 << (maxDepth + 1)))
            let master = SeededGenerator(seed: options.seed)
            x.values.withUnsafeBufferPointer { data in
                var builder = IsolationTreeBuilder(
                    data: data, columns: x.columns, maxDepth: maxDepth, nodes: [], pathLengths: []
                )
                swap(&builder.nodes, &nodes)
                var pool = finite
                for t in 0..<treeCount {
                    var generator = master.derived(t)
                    // Partial Fisher–Yates: the first psi entries of `pool` become a uniform sample.
                    for i in 0..<psi {
                        pool.swapAt(i, i + generator.nextIndex(below: pool.count - i))
                    }
                    var sample = Array(pool[0..<psi])
                    let tree = builder.grow(sample: &sample, generator: &generator)
                    roots.append(tree.root)
                    depths.append(tree.depth)
                }
                swap(&builder.nodes, &nodes)
                pathLengths = builder.pathLengths
            }
        }
        var forest = IsolationForest(
            options: options, samplesPerTree: psi, columns: x.columns,
            threshold: 0.5, nodes: nodes, pathLengths: pathLengths, roots: roots, depths: depths
        )
        if let c = options.contamination, c > 0, !finite.isEmpty {
            let scores = forest.anomalyScores(x.selecting(rows: finite))
            forest = forest.with(threshold: upperQuantile(scores, share: min(c, 1)))
        }
        return forest
    }

    /// Anomaly scores `2^(−E[h(x)]/c(ψ))` in (0, 1], one per row of `x`, in row order.
    ///
    /// `x` must have the training column count; otherwise every score is NaN.
    public func anomalyScores(_ x: FeatureMatrix) -> [Double] {
        guard x.columns == columns else { return Array(repeating: .nan, count: x.rows) }
        let normalizer = Double(roots.count) * averagePathLength(samplesPerTree)
        guard normalizer > 0 else {
            return (0..<x.rows).map { x.hasNaN(row: $0) ? .nan : 0.5 }
        }
        let totals = columns == 1
            ? lineTotalPathLengths(x.values)
            : totalPathLengths(x, parallelism: options.parallelism)
        return (0..<x.rows).map { i in
            x.hasNaN(row: i) ? .nan : Double.exp2(-totals[i] / normalizer)
        }
    }

    /// `anomalyScores(x)` compared with `threshold`: true marks an anomaly.
    public func predict(_ x: FeatureMatrix) -> [Bool] {
        anomalyScores(x).map { $0 > threshold }
    }

    func with(threshold: Double) -> IsolationForest {
        IsolationForest(
            options: options, samplesPerTree: samplesPerTree, columns: columns,
            threshold: threshold, nodes: nodes, pathLengths: pathLengths, roots: roots, depths: depths
        )
    }
}

/// The score above which a `share` of `scores` lies, by linear interpolation between order
/// statistics (numpy's default percentile), matching scikit-learn's `offset_`.
func upperQuantile(_ scores: [Double], share: Double) -> Double {
    let sorted = scores.sorted()
    guard let last = sorted.last else { return 0.5 }
    let position = (1 - share) * Double(sorted.count - 1)
    let lower = Int(position.rounded(.down))
    let upper = min(lower + 1, sorted.count - 1)
    guard lower < sorted.count - 1 else { return last }
    let fraction = position - Double(lower)
    return sorted[lower] + (sorted[upper] - sorted[lower]) * fraction
}
