/// Isolation Forest (Liu, Ting, Zhou 2008) over series features: rows that random splits isolate
/// quickly score high. The raw score is scikit-learn's 2^(−E[h]/c(ψ)); the detector's strength is
/// its robust z against the training rows' scores, so the threshold means the same on every series.
public struct IsolationForestDetector: AnomalyDetector {
    /// Shared settings; `settings.multivariate` holds trees, subsample size, windows and seed.
    public let settings: DetectionSettings
    /// Creates the detector.
    public init(settings: DetectionSettings = .init()) { self.settings = settings }
    /// `.isolationForest`.
    public var method: DetectionMethod { .isolationForest }

    /// Scores each row (causal: periodic refits on a trailing window; batch: one fit on all rows).
    public func scores(_ series: TimeSeries, mode: DetectionMode) -> [PointScore] {
        let o = settings.multivariate
        let options = IsolationForest.Options(nEstimators: max(1, o.trees), maxSamples: max(2, o.maxSamples), seed: o.seed)
        return ModelScan.run(series, mode: mode, method: .isolationForest, settings: settings,
                             unit: "isolation score", minimumRows: 16) { train in
            let forest = IsolationForest.fit(train, options: options)
            return FittedModel(trainingScores: forest.anomalyScores(train), score: { forest.anomalyScores($0) })
        }
    }
}
