import Testing
@testable import ChurnGuardAnalytics

@Suite("Weekly seasonality")
struct WeeklySeasonalityTests {
    /// Three weeks of 5-minute rows from Monday 2024-01-01: weekdays near 100, weekends near 40.
    static func weekdayWeekend() -> TimeSeries {
        var noise = TestNoise(state: 21)
        let n = 21 * 288
        let values = (0..<n).map { i -> Double in
            let weekend = (i / 288) % 7 >= 5
            return (weekend ? 40 : 100) + noise.gaussian()
        }
        return TimeSeries(timestamps: TestSeries.times(n), values: values)
    }

    @Test("once two weeks are known, quiet weekends do not fire; a weekday at weekend level does")
    func weekends() {
        let base = Self.weekdayWeekend()
        var values = base.values
        let wednesdayNoon = 16 * 288 + 144
        values[wednesdayNoon] = 40
        let series = TimeSeries(timestamps: base.timestamps, values: values)
        let scores = SeasonalBaselineDetector().scores(series, mode: .causal)
        let thirdWeekend = (19 * 288)..<(21 * 288)
        #expect(thirdWeekend.filter { scores[$0].vote }.count <= 2)
        #expect(scores[wednesdayNoon].vote)

        var daily = DetectionSettings()
        daily.seasonal.weekly = false
        let dailyOnly = SeasonalBaselineDetector(settings: daily).scores(series, mode: .causal)
        #expect(thirdWeekend.filter { dailyOnly[$0].vote }.count > 100)   // what the weekly profile fixes

        var classic = DetectionSettings()
        classic.sensitivity = 2   // the textbook threshold, z ≥ 3.5 (the default 1.75 gives 3.06)
        let batch = SeasonalBaselineDetector(settings: classic).scores(series, mode: .batch)
        #expect(batch.filter(\.vote).count <= 8)   // of 6,048 noisy rows, z ≥ 3.5
        #expect(batch[wednesdayNoon].vote)
    }

    @Test("a profile with a history limit expects what a profile of only the last rows would", arguments: [1, 30, 200])
    func historyLimit(limit: Int) {
        var options = SeasonalOptions()
        options.valuesPerBucket = 8
        options.minimumBucketValues = 2
        options.historyLimit = limit
        var unbounded = options
        unbounded.historyLimit = nil
        // Hourly rows over 25 days (the weekly profile matures), a few gaps.
        let rows: [(t: Double, x: Double)] = (0..<600).map { i in
            let value: Double = i % 29 == 0 ? .nan : Double((i * 7_919) % 53)
            return (t: Double(i) * 3_600, x: value)
        }
        var bounded = SeasonalProfile(options: options)
        for (i, row) in rows.enumerated() {
            var fresh = SeasonalProfile(options: unbounded)
            for earlier in rows[..<i].filter({ $0.x.isFinite }).suffix(limit) { _ = fresh.observe(earlier.t, earlier.x) }
            let expected = fresh.observe(row.t, row.x)
            let got = bounded.observe(row.t, row.x)
            #expect(got?.expected == expected?.expected, "row \(i)")
            #expect(got?.mature == expected?.mature, "row \(i)")
            #expect(got?.spread == expected?.spread, "row \(i)")
        }
    }
}

@Suite("Multivariate detectors")
struct MultivariateDetectorTests {
    @Test("Isolation Forest and LOF find planted spikes", arguments: [DetectionMethod.isolationForest, .lof])
    func plantedSpikes(method: DetectionMethod) {
        let spikes = [900, 1_200]
        let series = TestSeries.spiky(1_400, spikes: spikes, seed: 8)
        let detector = EnsembleDetector(methods: [method]).detector(for: method)
        for mode in DetectionMode.allCases {
            let scores = detector.scores(series, mode: mode)
            for i in spikes { #expect(scores[i].vote, "\(method) \(mode) missed row \(i): \(scores[i].explanation)") }
            let others = scores.indices.filter { scores[$0].vote && !spikes.contains($0) && !spikes.contains($0 - 1) }
            #expect(others.count <= 10, "\(method) \(mode): \(others)")
        }
    }

    @Test("features are causal and NaN rows stay NaN")
    func features() {
        let series = TestSeries.spiky(400, spikes: [300])
        var values = series.values
        values[50] = .nan
        let dirty = TimeSeries(timestamps: series.timestamps, values: values)
        let full = SeriesFeatures(dirty, window: 100).matrix
        let part = SeriesFeatures(dirty.prefix(301), window: 100).matrix
        #expect(full.columns == SeriesFeatures.columns)
        #expect(Array(full.values.prefix(part.values.count)).elementsEqual(part.values) { $0 == $1 || ($0.isNaN && $1.isNaN) })
        #expect(!full.isFiniteRow(50) && full.isFiniteRow(51))
    }

    @Test("LOF on heavily repeated values stays finite and quiet")
    func repeatedValues() {
        let pattern: [Double] = [1, 1, 1, 2, 1, 1, 3, 1]
        let values = (0..<1_600).map { pattern[$0 % pattern.count] }
        let series = TimeSeries(timestamps: TestSeries.times(values.count), values: values)
        for mode in DetectionMode.allCases {
            let scores = LocalOutlierFactorDetector().scores(series, mode: mode)
            #expect(scores.allSatisfy { $0.score.isFinite && !$0.vote }, "\(mode)")
        }
    }
}

@Suite("Shared model features")
struct SharedFeatureTests {
    @Test("the ensemble computes the features once; its Isolation Forest and LOF verdicts equal the detectors run alone", arguments: DetectionMode.allCases)
    func sameVerdicts(mode: DetectionMode) {
        let series = TestSeries.spiky(1_400, spikes: [700, 1_100])
        var settings = DetectionSettings()
        settings.rarityQuantile = 0   // no gate, so the raw verdicts are compared
        let ensemble = EnsembleDetector(methods: [.isolationForest, .lof], settings: settings).detect(series, mode: mode)
        let forest = IsolationForestDetector(settings: settings).scores(series, mode: mode)
        let lof = LocalOutlierFactorDetector(settings: settings).scores(series, mode: mode)
        #expect(ensemble.map { $0.methods[0].result } == forest)
        #expect(ensemble.map { $0.methods[1].result } == lof)
        #expect(forest.contains(where: \.vote) && lof.contains(where: \.vote))
    }
}
