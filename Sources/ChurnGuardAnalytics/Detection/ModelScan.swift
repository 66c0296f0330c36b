/// A fitted multivariate model as the scan needs it: scores of its own training rows and a way
/// to score new rows; larger scores are more anomalous.
protocol FittedModel: Sendable {
    /// The scores of the rows it was fitted on.
    var trainingScores: [Double] { get }
    /// The scores of new rows, as novelties.
    func score(_ x: FeatureMatrix) -> [Double]
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
    /// What a model judges with and how: the method, its settings, the unit of its scores, the
    /// fewest rows it is fitted on, and its fit.
    struct Judge: Sendable {
        let method: DetectionMethod
        let settings: DetectionSettings
        let unit: String
        let minimumRows: Int
        let fit: @Sendable (FeatureMatrix) -> any FittedModel

        /// Rows needed before a first fit.
        var needed: Int { max(minimumRows, settings.minimumHistory, 2) }

        /// The verdict on a row of value `value`, trailing median `baseline` and model score `s`.
        func verdict(_ value: Double, baseline: Double, score s: Double, calibration: Calibration) -> PointScore {
            // The minimum absolute change is in value units; it is checked here, not on model scores.
            var scoreSettings = settings
            scoreSettings.minimumAbsoluteChange = 0
            var v = ScoreScale.verdict(method: method, observed: value, expected: baseline,
                                       deviation: max(0, s - calibration.center), scale: calibration.scale, unit: unit,
                                       settings: scoreSettings)
            if v.vote, abs(value - baseline) < settings.minimumAbsoluteChange {
                v.vote = false; v.score = min(v.score, 0.49)
            }
            v.explanation = "\(unit) \(ScoreScale.format(s)) vs typical \(ScoreScale.format(calibration.center)); expected about \(ScoreScale.format(baseline)), saw \(ScoreScale.format(value))"
            return v
        }
    }

    /// The median of a model's training scores and the tail-calibrated σ around it.
    struct Calibration: Sendable {
        let center: Double
        let scale: Double

        init(_ model: any FittedModel) {
            let sorted = model.trainingScores.filter(\.isFinite).sorted()
            center = Quantile.sorted(sorted, 0.5) ?? 0
            let tail = Quantile.sorted(sorted, 0.99) ?? center
            var scale = (tail - center) / 2.326
            if scale <= 0 { scale = RobustStatistics.mad(sorted: sorted, median: center) * RobustStatistics.madToSigma }
            self.scale = max(scale, 1e-6 * max(1, abs(center)))
        }
    }

    /// Batch: one fit on all finite rows of `features`, which the model then scores.
    static func batch(_ series: TimeSeries, judge: Judge, features: SeriesFeatures) -> [PointScore] {
        let x = features.matrix
        let finiteRows = (0..<x.rows).filter { x.isFiniteRow($0) }
        var out = series.values.map { PointScore.silent($0, $0.isFinite ? "warming up" : "not a finite value; skipped") }
        guard finiteRows.count >= judge.needed else { return out }
        let train = x.selecting(rows: finiteRows)
        let model = judge.fit(train)
        let calibration = Calibration(model)
        // A model fitted on fewer rows (LOF drops duplicates) scores the rows as novelties.
        let scores = model.trainingScores.count == finiteRows.count ? model.trainingScores : model.score(train)
        for (k, s) in scores.enumerated() where k < finiteRows.count && s.isFinite {
            let i = finiteRows[k]
            out[i] = judge.verdict(series.values[i], baseline: features.baseline[i], score: s, calibration: calibration)
        }
        return out
    }

    /// The causal scan: the running features, the trailing training rows, and the model fitted
    /// at the start of the current block of `refitInterval` rows.
    struct Scan: CausalScan {
        let judge: Judge
        private let firstFit: Int
        private let interval: Int
        private var features: SeriesFeatures.Running
        private var training: FeatureRing
        /// Finite feature rows seen so far.
        private var rowsSeen = 0
        private var model: (any FittedModel)?
        private var calibration = Calibration.none

        /// A scan before the first row; with `sharedProfile` its features read the ensemble's
        /// seasonal profile instead of keeping their own.
        init(judge: Judge, sharedProfile: Bool = false) {
            self.judge = judge
            let o = judge.settings.multivariate
            firstFit = max(judge.needed, o.trainingWindow / 2)
            interval = max(1, o.refitInterval)
            features = SeriesFeatures.Running(window: judge.settings.window, seasonal: judge.settings.seasonal,
                                              sharedProfile: sharedProfile)
            training = FeatureRing(capacity: max(judge.needed, o.trainingWindow), columns: SeriesFeatures.columns)
        }

        mutating func step(_ t: Double, _ x: Double) -> PointScore { step(t, x, seasonal: nil) }

        mutating func step(_ t: Double, _ x: Double, seasonal: SeasonalProfile.Reading?) -> PointScore {
            guard x.isFinite else { return .silent(x, "not a finite value; skipped") }
            guard let row = features.next(t, x, seasonal: seasonal), row.features.allSatisfy(\.isFinite) else { return .silent(x, "warming up") }
            defer {
                training.append(row.features)
                rowsSeen += 1
            }
            guard rowsSeen >= firstFit else { return .silent(x, "warming up") }
            if model == nil || (rowsSeen - firstFit) % interval == 0 {
                let fitted = judge.fit(training.matrix)
                model = fitted
                calibration = Calibration(fitted)
            }
            guard let model, let s = model.score(FeatureMatrix(rows: 1, columns: row.features.count, values: row.features)).first,
                  s.isFinite
            else { return .silent(x, "warming up") }
            return judge.verdict(x, baseline: row.baseline, score: s, calibration: calibration)
        }
    }
}

extension ModelScan.Calibration {
    /// A placeholder until the first fit.
    static let none = ModelScan.Calibration(center: 0, scale: 1)

    private init(center: Double, scale: Double) {
        self.center = center
        self.scale = scale
    }
}

/// The last `capacity` feature rows, oldest first when read: the causal model's training set.
struct FeatureRing: Sendable {
    let capacity: Int
    let columns: Int
    private var values: [Double] = []
    /// The row slot the next row overwrites once the ring is full.
    private var head = 0

    /// A ring of at most `capacity` rows (settings may ask for any size: it is clamped to what
    /// an array can index).
    init(capacity: Int, columns: Int) {
        self.columns = max(1, columns)
        self.capacity = min(max(1, capacity), Int.max / self.columns / 4)
    }

    /// Rows held.
    var rows: Int { values.count / columns }

    /// Adds a row (of `columns` values), dropping the oldest when full.
    mutating func append(_ row: [Double]) {
        if rows < capacity {
            // Grown by doubling, but never past the ring's size.
            if values.count + row.count > values.capacity {
                values.reserveCapacity(Swift.min(capacity * columns, Swift.max(64 * columns, values.count * 2)))
            }
            values.append(contentsOf: row)
            return
        }
        values.replaceSubrange(head * columns..<(head + 1) * columns, with: row)
        head = (head + 1) % capacity
    }

    /// The rows, oldest first.
    var matrix: FeatureMatrix {
        let start = head * columns
        return FeatureMatrix(rows: rows, columns: columns, values: Array(values[start...] + values[..<start]))
    }
}
