/// Per-row features for the multivariate methods, computed causally (row i uses rows ≤ i):
/// the value, its difference from the previous finite value, its residual from the median of
/// the trailing window, its residual from the seasonal expectation (the rolling residual until
/// the seasonal profile has data), and the mean of the last six values minus the trailing median
/// (a sustained shift shows there before single values stand out from the noise). Together they
/// let Isolation Forest and LOF see level, jump, recent context, time-of-day context and drift.
public struct SeriesFeatures: Sendable {
    /// Number of features per row.
    public static let columns = 5
    /// Feature rows (NaN rows where the value is not finite).
    public let matrix: FeatureMatrix
    /// The trailing-median baseline of each row (NaN when unknown), reported as "expected".
    public let baseline: [Double]

    /// Computes the features of `series` with a trailing window of `window` rows and the given
    /// seasonal options.
    public init(_ series: TimeSeries, window: Int, seasonal: SeasonalOptions = .init()) {
        var running = Running(window: window, seasonal: seasonal)
        var flat: [Double] = []
        flat.reserveCapacity(series.count * Self.columns)
        var base: [Double] = []
        base.reserveCapacity(series.count)
        for (t, x) in zip(series.timestamps, series.values) {
            if let row = running.next(t, x) {
                flat.append(contentsOf: row.features)
                base.append(row.baseline)
            } else {
                flat.append(contentsOf: repeatElement(Double.nan, count: Self.columns))
                base.append(.nan)
            }
        }
        matrix = FeatureMatrix(rows: series.count, columns: Self.columns, values: flat)
        baseline = base
    }

    /// The features computed row by row: what the causal model scan keeps between rows.
    struct Running: Sendable {
        /// Nil: the ensemble's shared profile is read instead (``next(_:_:seasonal:)``).
        private var profile: SeasonalProfile?
        private var rolling: RollingQuantiles
        private var previous: Double?
        private var recent: [Double] = []

        init(window: Int, seasonal: SeasonalOptions, sharedProfile: Bool = false) {
            profile = sharedProfile ? nil : SeasonalProfile(options: seasonal)
            rolling = RollingQuantiles(capacity: max(1, window))
        }

        /// The next row's features and trailing median from the rows before it (nil for a
        /// non-finite value, which is skipped); the row then joins the windows. `seasonal` is
        /// the shared profile's reading of the row, when this keeps no profile of its own.
        mutating func next(_ t: Double, _ x: Double, seasonal: SeasonalProfile.Reading? = nil) -> (features: [Double], baseline: Double)? {
            guard x.isFinite else { return nil }
            let seasonalExpected = profile == nil ? seasonal : profile?.observe(t, x, spread: false)
            let median = rolling.quantile(0.5) ?? x
            recent.append(x)
            if recent.count > 6 { recent.removeFirst() }
            let features = [x, x - (previous ?? x), x - median, x - (seasonalExpected?.expected ?? median),
                            recent.reduce(0, +) / Double(recent.count) - median]
            previous = x
            rolling.push(x)
            return (features, median)
        }
    }
}

/// Robust per-column standardization ((x − median) / (1.4826·MAD), floored), fitted on training
/// rows and applied to queries, so LOF distances weigh the features alike.
struct RobustScaler: Sendable {
    let centers: [Double]
    let scales: [Double]

    /// Fits on the finite rows of `x`.
    init(fitting x: FeatureMatrix) {
        var c: [Double] = [], s: [Double] = []
        for j in 0..<x.columns {
            let column = (0..<x.rows).map { x[$0, j] }
            let (median, mad) = RobustStatistics.medianAndMAD(column) ?? (0, 0)
            var scale = mad * RobustStatistics.madToSigma
            if scale <= 0 { scale = RobustStatistics.meanAbsoluteDeviation(column, around: median) * 1.2533 }
            c.append(median)
            s.append(max(scale, 1e-9 * max(1, abs(median))))
        }
        centers = c; scales = s
    }

    /// Standardizes `x` column by column.
    func transform(_ x: FeatureMatrix) -> FeatureMatrix {
        guard x.columns == centers.count else { return x }
        var out = x.values
        for i in 0..<x.rows {
            for j in 0..<x.columns { out[i * x.columns + j] = (out[i * x.columns + j] - centers[j]) / scales[j] }
        }
        return FeatureMatrix(rows: x.rows, columns: x.columns, values: out)
    }
}
