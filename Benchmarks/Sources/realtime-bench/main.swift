// realtime-bench: the real-time engine's per-point cost and memory, against a bare Welford
// update in the same run.
//
// Usage: realtime-bench [--series N] [--points P] [--batch B] [--window W] [--repeats R]
// Every figure is a median of R runs (thread CPU time) over P points spread round-robin over N series (the
// interleaved worst case: consecutive points never hit the same series), in batches of B:
//   welford      one mean/M2/count update per point in a flat array indexed by series number
//                (the reference: no window, no lookup)
//   window       SeriesWindow.push per point, windows in a flat array (the window's own cost)
//   engine_fold  RealtimeEngine.fold of committed groups of B points (the engine's full path:
//                lock, per-point lookup of organization, metric and tag set, window update)
// Then memory: RSS before and after filling N series with W points each, per series.
// Prints one JSON object per line.

import ChurnGuardAnalytics
import ChurnGuardCore
import ChurnGuardEngine
import ChurnGuardStorage
import Foundation

var seriesCount = 10_000
var pointCount = 2_000_000
var batchSize = 1000
var windowPoints = 100
var repeats = 5
var arguments = CommandLine.arguments.dropFirst()
while let argument = arguments.popFirst() {
    let value = Int(arguments.popFirst() ?? "") ?? 0
    switch argument {
    case "--series": seriesCount = value
    case "--points": pointCount = value
    case "--batch": batchSize = value
    case "--window": windowPoints = value
    case "--repeats": repeats = value
    default:
        FileHandle.standardError.write(Data("unknown option \(argument)\n".utf8))
        exit(2)
    }
}

/// CPU time of the calling thread, in seconds: the machine is shared, so wall time would
/// count other processes' time slices; CPU time does not (cache effects remain).
func threadCPUSeconds() -> Double {
    var now = timespec()
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &now)
    return Double(now.tv_sec) + Double(now.tv_nsec) / 1e9
}

func seconds(_ body: () -> Void) -> Double {
    let start = threadCPUSeconds()
    body()
    return threadCPUSeconds() - start
}

func median(_ values: [Double]) -> Double { values.sorted()[values.count / 2] }

@MainActor func report(_ name: String, _ runs: [Double], extra: String = "") {
    let perPoint = median(runs) / Double(pointCount) * 1e9
    print(#"{"bench":"\#(name)","series":\#(seriesCount),"points":\#(pointCount),"ns_per_point":\#((perPoint * 100).rounded() / 100),"runs_s":[\#(runs.map { String(format: "%.4f", $0) }.joined(separator: ","))]\#(extra)}"#)
}

// Values: a deterministic pseudo-random stream.
var state: UInt64 = 0x9E3779B97F4A7C15
let values: [Double] = (0..<max(pointCount, 1)).map { _ in
    state = state &* 6364136223846793005 &+ 1442695040888963407
    return Double(state >> 11) / Double(1 << 53)
}
var sink = 0.0

// 1. Bare Welford, interleaved.
var welfordRuns: [Double] = []
for _ in 0..<repeats {
    var mean = [Double](repeating: 0, count: seriesCount)
    var m2 = [Double](repeating: 0, count: seriesCount)
    var count = [Double](repeating: 0, count: seriesCount)
    welfordRuns.append(seconds {
        var series = 0
        for index in 0..<pointCount {
            let x = values[index]
            count[series] += 1
            let delta = x - mean[series]
            mean[series] += delta / count[series]
            m2[series] += delta * (x - mean[series])
            series += 1
            if series == seriesCount { series = 0 }
        }
    })
    sink += mean[0] + m2[seriesCount - 1]
}
report("welford", welfordRuns)

// 2. SeriesWindow.push, interleaved (windows of --window points, so evictions happen).
var windowRuns: [Double] = []
for _ in 0..<repeats {
    var windows = [SeriesWindow](repeating: SeriesWindow(capacity: windowPoints), count: seriesCount)
    windowRuns.append(seconds {
        var series = 0
        for index in 0..<pointCount {
            windows[series].push(time: Int64(index), value: values[index])
            series += 1
            if series == seriesCount { series = 0 }
        }
    })
    sink += windows[0].mean ?? 0
}
report("window", windowRuns, extra: #","window":\#(windowPoints)"#)

// 3. The engine's fold of committed groups: one organization, one metric, a customer_id tag per series.
let organization = OrganizationID.random()
let base = Timestamp(seconds: 1_795_000_000)
let tags = (0..<seriesCount).map { ["customer_id": "customer-\($0)", "segment": $0 % 3 == 0 ? "smb" : "enterprise"] }
let commits: [CommittedPoints] = stride(from: 0, to: pointCount, by: batchSize).enumerated().map { number, start in
    let points = (start..<min(start + batchSize, pointCount)).map { index in
        MetricPoint(metricName: "churn_risk_score", timestamp: base.adding(seconds: Int64(index / seriesCount)), value: values[index],
                    tags: tags[index % seriesCount])
    }
    return CommittedPoints(sequence: UInt64(number + 1), batches: [PointBatch(organization: organization, points: points)])
}
var foldRuns: [Double] = []
for _ in 0..<repeats {
    var options = RealtimeOptions()
    options.maxPointsPerSeries = windowPoints
    options.maxSeriesPerOrganization = seriesCount
    let engine = RealtimeEngine(options: options)
    foldRuns.append(seconds {
        for commit in commits { engine.fold(commit, now: 0) }
    })
    sink += Double(engine.liveSeries)
}
report("engine_fold", foldRuns, extra: #","window":\#(windowPoints),"batch":\#(batchSize)"#)

// 4. Memory per live series: resident set before and after filling every window.
func residentBytes() -> Int {
    guard let text = try? String(contentsOfFile: "/proc/self/statm", encoding: .utf8),
          let pages = text.split(separator: " ").dropFirst().first.flatMap({ Int($0) }) else { return 0 }
    return pages * Int(sysconf(Int32(_SC_PAGESIZE)))
}
for window in [10, 100, 1000] {
    var options = RealtimeOptions()
    options.maxPointsPerSeries = window
    options.maxSeriesPerOrganization = seriesCount
    let before = residentBytes()
    let engine = RealtimeEngine(options: options)
    for round in 0..<window {
        let points = (0..<seriesCount).map { series in
            MetricPoint(metricName: "churn_risk_score", timestamp: base.adding(seconds: Int64(round)), value: values[(round * seriesCount + series) % values.count],
                        tags: tags[series])
        }
        engine.fold([PointBatch(organization: organization, points: points)], now: 0)
    }
    let after = residentBytes()
    print(#"{"bench":"memory","series":\#(seriesCount),"window_points":\#(window),"rss_bytes_per_series":\#((after - before) / seriesCount),"window_storage_bytes_per_series":\#(engine.windowBytes / seriesCount)}"#)
    withExtendedLifetime(engine) {}
}
if sink == .pi { print(sink) }
