/// Isolation Forest (Liu, Ting, Zhou 2008) over series features: rows that random splits isolate
/// quickly score high. The raw score is scikit-learn's 2^(−E[h]/c(ψ)); the detector's strength is
/// its robust z against the training rows' scores, so the threshold means the same on every series.
public struct IsolationForestDetector: ModelDetector {
    /// Shared settings; `settings.multivariate` holds trees, subsample size, windows and seed.
    public let settings: DetectionSettings
    /// Creates the detector.
    public init(settings: DetectionSettings = .init()) { self.settings = settings }
    /// `.isolationForest`.
    public var method: DetectionMethod { .isolationForest }

    /// Scores each row (causal: periodic refits on a trailing window; batch: one fit on all rows).
    public func scores(_ series: TimeSeries, mode: DetectionMode) -> [PointScore] {
        scores(series, mode: mode, features: nil)
    }

    var judge: ModelScan.Judge {
        let o = settings.multivariate
        let options = IsolationForest.Options(nEstimators: max(1, o.trees), maxSamples: max(2, o.maxSamples), seed: o.seed)
        return ModelScan.Judge(method: .isolationForest, settings: settings, unit: "isolation score", minimumRows: 16) { train in
            ForestModel(forest: IsolationForest.fit(train, options: options), training: train)
        }
    }

    /// A fitted forest and its training rows' scores.
    struct ForestModel: FittedModel {
        let forest: IsolationForest
        let trainingScores: [Double]

        init(forest: IsolationForest, training: FeatureMatrix) {
            self.forest = forest
            trainingScores = forest.anomalyScores(training)
        }

        func score(_ x: FeatureMatrix) -> [Double] { forest.anomalyScores(x) }
    }
}

/// Local Outlier Factor (Breunig et al. 2000) over robustly standardized series features: rows in
/// sparser neighbourhoods than their neighbours score high. The raw score is the LOF (1 ≈ normal);
/// the strength is its tail-calibrated z against the training rows' LOFs.
///
/// The model is fitted on the *distinct* training rows: quantized metrics repeat exact values,
/// and duplicates make LOF's local densities infinite (scikit-learn then reports LOFs of 1e10 for
/// ordinary rows). Distinct rows keep the score meaningful. Batch mode reports each row's own LOF
/// when all rows are distinct, and otherwise scores every row against the distinct rows.
public struct LocalOutlierFactorDetector: ModelDetector {
    /// Shared settings; `settings.multivariate.neighbors` is k.
    public let settings: DetectionSettings
    /// Creates the detector.
    public init(settings: DetectionSettings = .init()) { self.settings = settings }
    /// `.lof`.
    public var method: DetectionMethod { .lof }

    /// Scores each row (causal: novelty scoring against a trailing window; batch: LOF of all rows).
    public func scores(_ series: TimeSeries, mode: DetectionMode) -> [PointScore] {
        scores(series, mode: mode, features: nil)
    }

    var judge: ModelScan.Judge {
        let k = min(max(1, settings.multivariate.neighbors), 100_000)
        return ModelScan.Judge(method: .lof, settings: settings, unit: "LOF", minimumRows: k + 1) { train in
            LOFModel(training: train, neighbors: k)
        }
    }

    /// A LOF fitted on the distinct robustly scaled training rows, with its scaler.
    struct LOFModel: FittedModel {
        let scaler: RobustScaler
        let lof: LocalOutlierFactor

        init(training: FeatureMatrix, neighbors k: Int) {
            scaler = RobustScaler(fitting: training)
            let distinct = LocalOutlierFactorDetector.distinctRows(scaler.transform(training))
            lof = LocalOutlierFactor.fit(distinct, nNeighbors: min(k, max(1, distinct.rows - 1)))
        }

        var trainingScores: [Double] { lof.negativeOutlierFactor.map { -$0 } }

        func score(_ x: FeatureMatrix) -> [Double] { lof.scoreSamples(scaler.transform(x)).map { -$0 } }
    }

    /// The distinct rows of `x`, in first-seen order.
    static func distinctRows(_ x: FeatureMatrix) -> FeatureMatrix {
        var seen = Set<[Double]>()
        var kept: [Double] = []
        for i in 0..<x.rows {
            let row = Array(x.row(i))
            if seen.insert(row).inserted { kept.append(contentsOf: row) }
        }
        return FeatureMatrix(rows: seen.count, columns: x.columns, values: kept)
    }
}

/// A detector whose verdicts come from a multivariate model over the series features
/// (``ModelScan``): Isolation Forest and LOF differ only in the model they fit.
protocol ModelDetector: AnomalyDetector {
    /// Shared settings.
    var settings: DetectionSettings { get }
    /// The method, its unit and its fit.
    var judge: ModelScan.Judge { get }
}

extension ModelDetector {
    /// As `scores(_:mode:)`, reusing features the caller already computed for this series and
    /// settings (batch mode).
    func scores(_ series: TimeSeries, mode: DetectionMode, features: SeriesFeatures?) -> [PointScore] {
        switch mode {
        case .causal:
            var scan = makeScan()
            return scan.run(series)
        case .batch:
            return ModelScan.batch(series, judge: judge,
                                   features: features ?? SeriesFeatures(series, window: settings.window, seasonal: settings.seasonal))
        }
    }

    /// The causal scan before the first row (with `sharedProfile`, reading the ensemble's
    /// seasonal profile).
    func makeScan(sharedProfile: Bool = false) -> ModelScan.Scan { ModelScan.Scan(judge: judge, sharedProfile: sharedProfile) }
}
