/// The ensemble's verdict on one row.
public struct EnsemblePoint: Sendable, Equatable {
    /// Combined score in [0, 1]: the `votingThreshold`-th highest method score, or a solo
    /// method's score when that is higher, so `score ≥ 0.5` exactly when enough methods (or one
    /// solo method) vote (outside a cooldown).
    public var score: Double
    /// Whether at least `votingThreshold` methods, or one solo method, voted (and no cooldown
    /// held it back).
    public var isAnomaly: Bool
    /// How many methods voted.
    public var votes: Int
    /// Every method's own verdict, in the order the methods were given.
    public var methods: [(method: DetectionMethod, result: PointScore)]

    /// A one-line summary naming the voting methods and their explanations.
    public var explanation: String {
        let voters = methods.filter(\.result.vote)
        guard !voters.isEmpty else { return "no method voted" }
        return voters.map { "\($0.method.rawValue): \($0.result.explanation)" }.joined(separator: "; ")
    }

    /// Equality of scores, flags and every method's verdict.
    public static func == (a: EnsemblePoint, b: EnsemblePoint) -> Bool {
        a.score == b.score && a.isAnomaly == b.isAnomaly && a.votes == b.votes
            && a.methods.map(\.method) == b.methods.map(\.method) && a.methods.map(\.result) == b.methods.map(\.result)
    }
}

/// Runs several detectors and calls a row anomalous when at least `votingThreshold` of them
/// vote. One `DetectionSettings` drives them all, so `sensitivity` moves every threshold together.
public struct EnsembleDetector: Sendable {
    /// The default method set: the three rolling statistics, the seasonal baseline, LOF and the
    /// regime detector. Isolation Forest stays available (`--methods`, `methods:`) but is not a
    /// default: on the shared NAB files, leaving it out raised the score in five of six labelled
    /// categories, and it was chosen in every cross-validation fold (docs/ANOMALY_DETECTION.md).
    /// Its votes were mostly the second vote of a false positive, and it cost a third of the
    /// ensemble's time.
    public static let defaultMethods: [DetectionMethod] = [.zscore, .mad, .iqr, .seasonal, .lof, .regime]

    /// Methods in use (duplicates removed, order kept).
    public let methods: [DetectionMethod]
    /// Shared settings.
    public let settings: DetectionSettings

    /// Creates an ensemble; an empty method list means the default set.
    public init(methods: [DetectionMethod] = EnsembleDetector.defaultMethods, settings: DetectionSettings = .init()) {
        var seen = Set<DetectionMethod>()
        let unique = methods.filter { seen.insert($0).inserted }
        self.methods = unique.isEmpty ? Self.defaultMethods : unique
        self.settings = settings
    }

    /// The detector implementing `method` with this ensemble's settings.
    public func detector(for method: DetectionMethod) -> any AnomalyDetector {
        switch method {
        case .zscore: ZScoreDetector(settings: settings)
        case .mad: MADDetector(settings: settings)
        case .iqr: IQRDetector(settings: settings)
        case .seasonal: SeasonalBaselineDetector(settings: settings)
        case .isolationForest: IsolationForestDetector(settings: settings)
        case .lof: LocalOutlierFactorDetector(settings: settings)
        case .regime: RegimeDetector(settings: settings)
        }
    }

    /// Votes needed, clamped to 1…number of methods.
    public var requiredVotes: Int { min(max(1, settings.votingThreshold), methods.count) }

    /// Scores every row: each method's scores pass the rarity gate (unless the method is in
    /// `settings.ungatedMethods`), then votes are counted (a vote
    /// of a method in `settings.soloMethods` suffices on its own) and the cooldown applied. Causal mode keeps causality end to end: each method is causal, and
    /// the rarity gate and the cooldown only look back.
    public func detect(_ series: TimeSeries, mode: DetectionMode = .causal) -> [EnsemblePoint] {
        switch mode {
        case .causal:
            return detect(series, from: 0, carry: nil).points
        case .batch:
            let perMethod = methods.map { method -> [PointScore] in
                let raw = rawScores(method, series, mode: .batch, features: sharedFeatures(series), from: 0)
                return settings.ungatedMethods.contains(method) ? raw : gate.apply(raw, mode: .batch)
            }
            return vote(perMethod, values: series.values[...], lastDetection: Int.min / 2).points
        }
    }

    /// The causal verdicts of rows `from…` of `series`, given what the causal scan carried out of
    /// row `from − 1` (`carry`, from an earlier call whose series ended with the same rows). The
    /// rows before `from` still build every method's windows, profiles and models, but only the
    /// new rows are judged, so one new row after hundreds of rows of history costs a fraction of
    /// a full scan. Without a carry (or with `from` = 0) every row is scanned and the verdicts of
    /// rows `from…` are returned. Either way the verdicts equal the full causal scan's for the
    /// same rows and carry, and the returned carry is the one to pass with the next rows.
    public func detect(_ series: TimeSeries, from: Int, carry: EnsembleCarry?) -> (points: [EnsemblePoint], carry: EnsembleCarry) {
        let from = min(max(0, from), series.count)
        guard let carry, from > 0 else {
            let full = scan(series, from: 0, carry: EnsembleCarry())
            return (Array(full.points[from...]), full.carry)
        }
        return scan(series, from: from, carry: carry)
    }

    private func scan(_ series: TimeSeries, from: Int, carry: EnsembleCarry) -> (points: [EnsemblePoint], carry: EnsembleCarry) {
        let shared = sharedFeatures(series)
        var next = EnsembleCarry()
        let perMethod = methods.map { method -> [PointScore] in
            let raw = rawScores(method, series, mode: .causal, features: shared, from: from)
            guard !settings.ungatedMethods.contains(method), gate.isActive else { return raw }
            let prior = carry.gateScores[method] ?? []
            next.gateScores[method] = Array((prior + RarityGate.history(of: raw)).suffix(max(1, settings.rarityWindow)))
            return gate.apply(raw, mode: .causal, prior: prior)
        }
        let lastDetection = carry.rowsSinceDetection.map { from - 1 - $0 } ?? Int.min / 2
        let voted = vote(perMethod, values: series.values[from...], lastDetection: lastDetection)
        if voted.lastDetection > Int.min / 4 { next.rowsSinceDetection = series.count - 1 - voted.lastDetection }
        return (voted.points, next)
    }

    private var gate: RarityGate {
        RarityGate(quantile: settings.rarityQuantile, window: settings.rarityWindow, margin: settings.rarityMargin,
                   warmup: settings.rarityWarmup > 0 ? settings.rarityWarmup : nil)
    }

    /// Isolation Forest and LOF read the same series features: computed once when both run.
    private func sharedFeatures(_ series: TimeSeries) -> SeriesFeatures? {
        methods.contains(.isolationForest) && methods.contains(.lof)
            ? SeriesFeatures(series, window: settings.window, seasonal: settings.seasonal) : nil
    }

    /// One method's scores before the gate: of every row, or in causal mode of rows `from…`.
    private func rawScores(_ method: DetectionMethod, _ series: TimeSeries, mode: DetectionMode,
                           features: SeriesFeatures?, from: Int) -> [PointScore] {
        switch method {
        case .isolationForest:
            return IsolationForestDetector(settings: settings).scores(series, mode: mode, features: features, from: from)
        case .lof:
            return LocalOutlierFactorDetector(settings: settings).scores(series, mode: mode, features: features, from: from)
        default:
            let detector = detector(for: method)
            if mode == .causal, let tail = detector as? any TailScoring { return tail.causalScores(series, from: from) }
            let all = detector.scores(series, mode: mode)
            return from == 0 ? all : Array(all[min(from, all.count)...])
        }
    }

    /// Counts the votes of the rows whose values are `values` (their method scores, gated, in
    /// `perMethod`) and applies the cooldown from `lastDetection` (an index on the same scale as
    /// `values`' indices). Returns the verdicts and the index of the last detection.
    private func vote(_ perMethod: [[PointScore]], values: ArraySlice<Double>,
                      lastDetection start: Int) -> (points: [EnsemblePoint], lastDetection: Int) {
        let k = requiredVotes
        var out: [EnsemblePoint] = []
        out.reserveCapacity(values.count)
        var lastDetection = start
        // Per-row work stays allocation-light: solo flags are looked up once, and the k-th
        // highest score comes from an insertion sort of a reused buffer (a handful of methods).
        let solo = methods.map { settings.soloMethods.contains($0) }
        var ranked = [Double](repeating: 0, count: methods.count)
        for (row, i) in values.indices.enumerated() {
            let results = perMethod.map { row < $0.count ? $0[row] : .silent(values[i], "missing") }
            var votes = 0
            var soloScore = 0.0, soloVote = false
            for j in results.indices {
                let r = results[j]
                if r.vote { votes += 1 }
                if solo[j] { soloScore = max(soloScore, r.score); soloVote = soloVote || r.vote }
                var p = j
                while p > 0, ranked[p - 1] < r.score { ranked[p] = ranked[p - 1]; p -= 1 }
                ranked[p] = r.score
            }
            var score = max(ranked.count >= k ? ranked[k - 1] : 0, soloScore)
            var flagged = votes >= k || soloVote
            if i - lastDetection <= settings.cooldown {
                // Halved, and kept below 0.5 (a saturated 1 would halve to exactly 0.5, a
                // detection to anyone reading the score while is_anomaly says no).
                score = min(score * 0.5, 0.499)
                flagged = false
            }
            if flagged { lastDetection = i }
            out.append(EnsemblePoint(score: min(1, max(0, score)), isAnomaly: flagged, votes: votes,
                                     methods: Array(zip(methods, results)).map { (method: $0.0, result: $0.1) }))
        }
        return (out, lastDetection)
    }
}

/// What the causal scan of a series carries from one row to the next beyond the detectors' own
/// windows: each gated method's raw scores (the rarity gate's history) and how far back the last
/// detection lies (the cooldown). Handing it to the next call lets the rows after a prefix be
/// scored without judging the prefix again (``EnsembleDetector/detect(_:from:carry:)``).
public struct EnsembleCarry: Sendable, Equatable {
    /// Per gated method, the gate's history: its latest raw scores, oldest first, at most
    /// `rarityWindow` of them.
    public var gateScores: [DetectionMethod: [Double]] = [:]
    /// Rows after the last detection (0: the last row was one); nil when there was none.
    public var rowsSinceDetection: Int?

    /// An empty carry: what a scan holds before its first row.
    public init() {}
}
