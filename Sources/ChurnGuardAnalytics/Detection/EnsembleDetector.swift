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
            var state = makeState()
            return advance(&state, over: series)
        case .batch:
            // Isolation Forest and LOF read the same series features: computed once when both run.
            let shared = methods.contains(.isolationForest) && methods.contains(.lof)
                ? SeriesFeatures(series, window: settings.window, seasonal: settings.seasonal) : nil
            let perMethod = methods.map { method -> [PointScore] in
                let raw: [PointScore]
                switch method {
                case .isolationForest: raw = IsolationForestDetector(settings: settings).scores(series, mode: .batch, features: shared)
                case .lof: raw = LocalOutlierFactorDetector(settings: settings).scores(series, mode: .batch, features: shared)
                default: raw = detector(for: method).scores(series, mode: .batch)
                }
                return settings.ungatedMethods.contains(method) ? raw : gate.apply(raw, mode: .batch)
            }
            var lastDetection = Int.min / 2
            let solo = soloFlags
            var ranked = [Double](repeating: 0, count: methods.count)
            return series.values.indices.map { i in
                verdict(perMethod.map { i < $0.count ? $0[i] : .silent(series.values[i], "missing") },
                        row: i, solo: solo, ranked: &ranked, lastDetection: &lastDetection)
            }
        }
    }

    /// The causal scan of a series before its first row, for this ensemble's methods and settings.
    public func makeState() -> EnsembleState {
        let gate = gate
        return EnsembleState(
            methods: methods, settings: settings, scans: methods.map(makeScan),
            gates: methods.map { settings.ungatedMethods.contains($0) || !gate.isActive ? nil : gate.makeHistory() },
            profile: methods.contains(where: Self.readsProfile) ? SeasonalProfile(options: settings.seasonal) : nil)
    }

    /// The causal verdicts of the rows of `series`, taken as the rows that follow those `state`
    /// has scanned; `state` then holds them too. Stepping one state over a series in chunks gives
    /// exactly the verdicts of one causal scan over all of it, and each new row costs the same
    /// whatever the history before it: this is how the anomaly monitor judges a series' new
    /// points. A state made by an ensemble of other methods or settings is replaced by a new one.
    public func advance(_ state: inout EnsembleState, over series: TimeSeries) -> [EnsemblePoint] {
        if state.methods != methods || state.settings != settings { state = makeState() }
        let gate = gate
        var out: [EnsemblePoint] = []
        out.reserveCapacity(series.count)
        var results: [PointScore] = []
        results.reserveCapacity(methods.count)
        let spread = methods.contains(.seasonal)
        let solo = soloFlags
        var ranked = [Double](repeating: 0, count: methods.count)
        for (t, x) in zip(series.timestamps, series.values) {
            results.removeAll(keepingCapacity: true)
            // One profile for every method that reads one, observed once per finite row, as
            // each method's own would be (the spread only when the seasonal method judges by it).
            let seasonal = x.isFinite ? state.profile?.observe(t, x, spread: spread) : nil
            for j in methods.indices {
                let raw = state.scans[j].step(t, x, seasonal: seasonal)
                results.append(state.gates[j] == nil ? raw : gate.step(raw, past: &state.gates[j]!))
            }
            out.append(verdict(results, row: state.rows, solo: solo, ranked: &ranked, lastDetection: &state.lastDetection))
            state.rows += 1
        }
        return out
    }

    /// Whether the method reads a seasonal profile (the seasonal baseline, and the series
    /// features of the models): in an ensemble they share one.
    private static func readsProfile(_ method: DetectionMethod) -> Bool {
        [.seasonal, .isolationForest, .lof].contains(method)
    }

    private func makeScan(_ method: DetectionMethod) -> any CausalScan {
        switch method {
        case .zscore: ZScoreDetector(settings: settings).makeScan()
        case .mad: MADDetector(settings: settings).makeScan()
        case .iqr: IQRDetector(settings: settings).makeScan()
        case .seasonal: SeasonalBaselineDetector(settings: settings).makeScan(sharedProfile: true)
        case .isolationForest: IsolationForestDetector(settings: settings).makeScan(sharedProfile: true)
        case .lof: LocalOutlierFactorDetector(settings: settings).makeScan(sharedProfile: true)
        case .regime: RegimeDetector(settings: settings).makeScan()
        }
    }

    private var gate: RarityGate {
        RarityGate(quantile: settings.rarityQuantile, window: settings.rarityWindow, margin: settings.rarityMargin,
                   warmup: settings.rarityWarmup > 0 ? settings.rarityWarmup : nil)
    }

    /// Per method, whether its vote suffices alone (looked up once per scan, not per row).
    private var soloFlags: [Bool] { methods.map { settings.soloMethods.contains($0) } }

    /// One row's verdict from its methods' (gated) verdicts, in `methods`' order: the votes are
    /// counted (`solo`: per method, whether its vote suffices alone) and the cooldown applied
    /// from `lastDetection` (a row index on the same scale as `row`), which a detection moves
    /// to `row`. `ranked` is a buffer of one slot per method, reused from row to row.
    private func verdict(_ results: [PointScore], row i: Int, solo: [Bool], ranked: inout [Double],
                         lastDetection: inout Int) -> EnsemblePoint {
        let k = requiredVotes
        // A handful of methods: the k-th highest score comes from an insertion sort.
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
        return EnsemblePoint(score: min(1, max(0, score)), isAnomaly: flagged, votes: votes,
                             methods: Array(zip(methods, results)).map { (method: $0.0, result: $0.1) })
    }
}

/// A series' causal scan paused after its last row: every method's windows, profiles and model,
/// each gated method's history of scores (the rarity gate), and how far back the last detection
/// lies (the cooldown). ``EnsembleDetector/advance(_:over:)`` continues it with the next rows,
/// judging only those. Its size is bounded by the settings' windows, not by the rows scanned.
public struct EnsembleState: Sendable {
    let methods: [DetectionMethod]
    let settings: DetectionSettings
    var scans: [any CausalScan]
    /// Per method, the rarity gate's history (nil: ungated).
    var gates: [RollingQuantiles?]
    /// The seasonal profile the methods that read one share (nil: none of them runs).
    var profile: SeasonalProfile?
    /// Rows scanned so far.
    public internal(set) var rows = 0
    /// Index of the last detection among them (far in the past when there was none).
    var lastDetection = Int.min / 2
}
