/// A fitted multivariate model as the scan needs it: scores of its own training rows and a way
/// to score new rows; larger scores are more anomalous.
struct FittedModel {
    let trainingScores: [Double]
    let score: (FeatureMatrix) -> [Double]
}

/// Runs a multivariate model over series features. Causal: the model is refitted every
/// `refitInterval` rows on the trailing `trainingWindow` finite rows before the current row, and
/// rows up to the next refit are scored as novelties. Batch: one fit on all finite rows, which are
/// then scored by the model. Either way a row's strength is its score's tail-calibrated z against
/// the training scores: (s − median) / σ̂ with σ̂ = (q₀.₉₉ − median) / 2.326, the σ a normal
/// distribution with that median and 99th percentile would have. One-sided: only "more anomalous
/// than usual" counts. Skewed score distributions (LOF's long right tail) thus get a wider scale
/// than a MAD would give. A causal model is first fitted once half a training window of rows
/// exists, so its training set spans the series' regular cycles.
enum ModelScan {
    static func run(
        _ series: TimeSeries, mode: DetectionMode, method: DetectionMethod, settings: DetectionSettings,
        unit: String, minimumRows: Int, features precomputed: SeriesFeatures? = nil, from: Int = 0,
        fit: (FeatureMatrix) -> FittedModel
    ) -> [PointScore] {
        // `from` > 0 (causal only): verdicts of rows `from…` only. A model whose scored rows all
        // lie before `from` is not fitted; the others are fitted exactly as in the full scan.
        let from = mode == .causal ? min(max(0, from), series.count) : 0
        // Features depend only on the series, the window and the seasonal options, so the
        // ensemble computes them once for both models and passes them in.
        let features = precomputed ?? SeriesFeatures(series, window: settings.window, seasonal: settings.seasonal)
        let x = features.matrix
        let finiteRows = (0..<x.rows).filter { x.isFiniteRow($0) }
        var out = series.values.map { PointScore.silent($0, $0.isFinite ? "warming up" : "not a finite value; skipped") }
        let needed = max(minimumRows, settings.minimumHistory, 2)
        // The minimum absolute change is in value units; it is checked below, not on model scores.
        var scoreSettings = settings
        scoreSettings.minimumAbsoluteChange = 0
        func judge(_ rows: [Int], model: FittedModel, scores: [Double]) {
            let sorted = model.trainingScores.filter(\.isFinite).sorted()
            let center = Quantile.sorted(sorted, 0.5) ?? 0
            let tail = Quantile.sorted(sorted, 0.99) ?? center
            var scale = (tail - center) / 2.326
            if scale <= 0 { scale = RobustStatistics.mad(sorted: sorted, median: center) * RobustStatistics.madToSigma }
            scale = max(scale, 1e-6 * max(1, abs(center)))
            for (k, s) in scores.enumerated() where k < rows.count {
                let i = rows[k], value = series.values[i]
                guard s.isFinite else { continue }
                var v = ScoreScale.verdict(method: method, observed: value, expected: features.baseline[i],
                                           deviation: max(0, s - center), scale: scale, unit: unit, settings: scoreSettings)
                if v.vote, abs(value - features.baseline[i]) < settings.minimumAbsoluteChange {
                    v.vote = false; v.score = min(v.score, 0.49)
                }
                v.explanation = "\(unit) \(ScoreScale.format(s)) vs typical \(ScoreScale.format(center)); expected about \(ScoreScale.format(features.baseline[i])), saw \(ScoreScale.format(value))"
                out[i] = v
            }
        }
        switch mode {
        case .batch:
            guard finiteRows.count >= needed else { return out }
            let train = x.selecting(rows: finiteRows)
            let model = fit(train)
            // A model fitted on fewer rows (LOF drops duplicates) scores the rows as novelties.
            let scores = model.trainingScores.count == finiteRows.count ? model.trainingScores : model.score(train)
            judge(finiteRows, model: model, scores: scores)
        case .causal:
            let o = settings.multivariate
            let interval = min(max(1, o.refitInterval), max(1, finiteRows.count))
            let firstFit = max(needed, o.trainingWindow / 2)
            var start = 0
            // Index into finiteRows of the first row not yet scored.
            while start < finiteRows.count {
                guard start >= firstFit else { start = firstFit; continue }
                let end = min(finiteRows.count, start + interval)
                if finiteRows[end - 1] < from {
                    start = end
                    continue
                }
                let trainRows = Array(finiteRows[max(0, start - max(needed, o.trainingWindow))..<start])
                // Rows are scored one by one against the model: leaving out those before `from`
                // changes no other row's score.
                let queryRows = finiteRows[start..<end].filter { $0 >= from }
                let model = fit(x.selecting(rows: trainRows))
                judge(queryRows, model: model, scores: model.score(x.selecting(rows: queryRows)))
                start = end
            }
        }
        return from == 0 ? out : Array(out[from...])
    }
}
