/// Local Outlier Factor (Breunig et al. 2000) over robustly standardized series features: rows in
/// sparser neighbourhoods than their neighbours score high. The raw score is the LOF (1 ≈ normal);
/// the strength is its robust z against the training rows' LOFs.
public struct LocalOutlierFactorDetector: AnomalyDetector {
    /// Shared settings; `settings.multivariate.neighbors` is k.
    public let settings: DetectionSettings
    /// Creates the detector.
    public init(settings: DetectionSettings = .init()) { self.settings = settings }
    /// `.lof`.
    public var method: DetectionMethod { .lof }

    /// Scores each row (causal: novelty scoring against a trailing window; batch: LOF of all rows).
    public func scores(_ series: TimeSeries, mode: DetectionMode) -> [PointScore] {
        let k = max(1, settings.multivariate.neighbors)
        return ModelScan.run(series, mode: mode, method: .lof, settings: settings,
                             unit: "LOF", minimumRows: k + 1) { train in
            let scaler = RobustScaler(fitting: train)
            let lof = LocalOutlierFactor.fit(scaler.transform(train), nNeighbors: k)
            return FittedModel(trainingScores: lof.negativeOutlierFactor.map { -$0 },
                               score: { lof.scoreSamples(scaler.transform($0)).map { -$0 } })
        }
    }
}
