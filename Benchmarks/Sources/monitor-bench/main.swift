// monitor-bench: the anomaly monitor's cost per interval when every watched series gets one
// new point per interval, against the bare ensemble on the same windows in the same run.
//
// Usage: monitor-bench [--series N] [--history H] [--intervals K] [--methods all|statistical] [--context C]
//        monitor-bench --demo [--customers N]
// --demo times the start-up catch-up of `serve --demo` instead: the demo organization's 45 days
// (500 customers, 5 metrics, hourly) seeded and rolled up in the in-memory store, then one
// monitor run over all of it with the segment and organization series (the rollups) watched.
// Seeds N series (one metric, tag customer_id) with H points each, one minute apart, ending
// now; runs the monitor once to catch up (timed: the cold start), then K times: appends one
// point to every series and runs the monitor (timed). Figures are process CPU time (all
// threads: the store's reads and writes count too), so a shared machine's other processes
// do not inflate them. "share_of_one_core_at_60s" = CPU seconds per interval / 60. Memory:
// the resident size after the intervals minus that before the monitor's first run (the store
// alone), with the heap's free pages returned first: what the monitor keeps between runs.
// The reference: the same ensemble scoring the same windows (C context rows + 1 new) with
// no store, no grouping and no event building, timed the same way.
// Prints one JSON object per line.

import ChurnGuardAnalytics
import ChurnGuardCore
import ChurnGuardEngine
import ChurnGuardStorage
import Foundation
import Logging

var seriesCount = 10_000
var history = 200
var intervals = 3
let storeKind = "memory"
var methodSet = "all"
var contextRows = AnomalyMonitorOptions().contextRows
var demo = false
var demoCustomers = 500
var arguments = CommandLine.arguments.dropFirst()
while let argument = arguments.popFirst() {
    if argument == "--demo" { demo = true; continue }
    let value = arguments.popFirst() ?? ""
    switch argument {
    case "--customers": demoCustomers = Int(value) ?? demoCustomers
    case "--series": seriesCount = Int(value) ?? seriesCount
    case "--history": history = Int(value) ?? history
    case "--intervals": intervals = Int(value) ?? intervals
    case "--methods": methodSet = value
    case "--context": contextRows = Int(value) ?? contextRows
    default:
        FileHandle.standardError.write(Data("unknown option \(argument)\n".utf8))
        exit(2)
    }
}

/// CPU time of the whole process, in seconds.
func processCPUSeconds() -> Double {
    var now = timespec()
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &now)
    return Double(now.tv_sec) + Double(now.tv_nsec) / 1e9
}

/// glibc's malloc_trim (declared in malloc.h, which the Glibc module does not export).
@_silgen_name("malloc_trim") func mallocTrim(_ pad: Int) -> Int32

/// Resident memory of the process in MB, after returning the heap's free pages to the system
/// (so memory freed after a peak does not count as held).
func residentMB() -> Double {
    _ = mallocTrim(0)
    guard let statm = try? String(contentsOfFile: "/proc/self/statm", encoding: .utf8),
          let pages = statm.split(separator: " ").dropFirst().first.flatMap({ Double($0) })
    else { return .nan }
    return pages * Double(sysconf(Int32(_SC_PAGESIZE))) / 1_048_576
}

func wallSeconds(_ start: ContinuousClock.Instant) -> Double {
    let elapsed = ContinuousClock.now - start
    return Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
}

if demo {
    try await demoCatchUp(customers: demoCustomers)
    exit(0)
}

/// The demo organization's start-up catch-up: seed, fold the rollups, one monitor run (timed).
func demoCatchUp(customers: Int) async throws {
    let end = Timestamp(Date())
    let dataset = DemoDataset.endingAt(end, days: 45, customers: customers)
    let store = InMemoryStore()
    let organization = try await OrganizationAdmin(store: store).createOrganization(name: "demo", tier: .premium).organization.id
    var seeded = 0
    for day in 0..<dataset.days {
        let points = dataset.points(forDay: day)
        seeded += points.count
        try await store.append([PointBatch(organization: organization, points: points)])
    }
    while try await store.rollUp(maxPoints: 100_000) > 0 {}
    var logger = Logger(label: "monitor-bench")
    logger.logLevel = .critical
    let monitor = AnomalyMonitor(identity: store, points: store, anomalies: store, rollups: store, bus: nil,
                                 options: AnomalyMonitorOptions(), now: { end }, logger: logger)
    let cpu = processCPUSeconds()
    let wall = ContinuousClock.now
    let report = try await monitor.runOnce()
    print(#"{"bench":"demo_catch_up","customers":\#(customers),"days":45,"points":\#(seeded),"series":\#(report.series),"anomalies_created":\#(report.created),"failures":\#(report.failures),"cpu_s":\#(String(format: "%.2f", processCPUSeconds() - cpu)),"wall_s":\#(String(format: "%.2f", wallSeconds(wall)))}"#)
}

let now = Timestamp(Date())
let step: Int64 = 60
let start = now.adding(seconds: -Int64(history + intervals + 1) * step)
@MainActor func value(_ series: Int, _ row: Int) -> Double {
    // A daily cycle with a per-series phase and a deterministic jitter.
    let base = 100 + 20 * sin(2 * Double.pi * Double(row % 1440) / 1440 + Double(series % 17))
    return (base + Double((row * 7919 + series * 104_729) % 23) / 4 - 2.75).rounded()
}
@MainActor func points(rows: Range<Int>) -> [MetricPoint] {
    var result: [MetricPoint] = []
    result.reserveCapacity(seriesCount * rows.count)
    for row in rows {
        for series in 0..<seriesCount {
            result.append(MetricPoint(metricName: "customer_activity", timestamp: start.adding(seconds: Int64(row) * step),
                                      value: value(series, row), tags: ["customer_id": "c\(series)"]))
        }
    }
    return result
}

let store = InMemoryStore()
let organization = try await OrganizationAdmin(store: store).createOrganization(name: "bench", tier: .enterprise).organization.id
var row = 0
while row < history {
    let chunk = min(50, history - row)
    try await store.append([PointBatch(organization: organization, points: points(rows: row..<(row + chunk)))])
    row += chunk
}

var options = AnomalyMonitorOptions()
options.contextRows = contextRows
if methodSet == "statistical" { options.methods = [.zscore, .mad, .iqr, .seasonal, .regime] }
var logger = Logger(label: "monitor-bench")
logger.logLevel = .critical
let clock = ContinuousClock()
let monitor = AnomalyMonitor(identity: store, points: store, anomalies: store, bus: nil, options: options,
                             now: { now }, logger: logger)
let label = #""store":"\#(storeKind)","methods":"\#(methodSet)","series":\#(seriesCount),"history":\#(history),"context_rows":\#(contextRows)"#

let storeMB = residentMB()
var cpu = processCPUSeconds()
var wall = clock.now
let catchUp = try await monitor.runOnce()
print(#"{"bench":"catch_up",\#(label),"points":\#(catchUp.points),"cpu_s":\#(String(format: "%.2f", processCPUSeconds() - cpu)),"wall_s":\#(String(format: "%.2f", wallSeconds(wall))),"resident_mb_before":\#(String(format: "%.0f", storeMB)),"resident_mb_after":\#(String(format: "%.0f", residentMB()))}"#)

var runs: [Double] = []
for interval in 0..<intervals {
    try await store.append([PointBatch(organization: organization, points: points(rows: (history + interval)..<(history + interval + 1)))])
    cpu = processCPUSeconds()
    wall = clock.now
    let report = try await monitor.runOnce()
    let spent = processCPUSeconds() - cpu
    runs.append(spent)
    print(#"{"bench":"interval","interval":\#(interval + 1),\#(label),"series_scored":\#(report.series),"cpu_s":\#(String(format: "%.2f", spent)),"wall_s":\#(String(format: "%.2f", wallSeconds(wall))),"share_of_one_core_at_60s":\#(String(format: "%.3f", spent / 60))}"#)
}
// What the monitor holds between runs beyond the store: each series' rows and detectors.
let monitorMB = residentMB() - storeMB
print(#"{"bench":"memory",\#(label),"resident_mb_store_only":\#(String(format: "%.0f", storeMB)),"monitor_mb":\#(String(format: "%.0f", monitorMB)),"monitor_kb_per_series":\#(String(format: "%.1f", monitorMB * 1024 / Double(seriesCount)))}"#)

// Reference: the bare ensemble on windows of the same length, no store.
let ensemble = options.ensemble()
let window = min(contextRows, history) + 1
cpu = processCPUSeconds()
var flagged = 0
for series in 0..<seriesCount {
    let rows = (0..<window).map { value(series, $0) }
    let times = (0..<window).map { Double(start.microseconds) / 1e6 + Double($0 * 60) }
    if ensemble.detect(TimeSeries(timestamps: times, values: rows)).last?.isAnomaly == true { flagged += 1 }
}
let bare = processCPUSeconds() - cpu
let median = runs.sorted()[runs.count / 2]
print(#"{"bench":"summary",\#(label),"monitor_cpu_s_per_interval":\#(String(format: "%.2f", median)),"monitor_share_of_one_core_at_60s":\#(String(format: "%.3f", median / 60)),"bare_ensemble_cpu_s":\#(String(format: "%.2f", bare)),"bare_share_of_one_core_at_60s":\#(String(format: "%.3f", bare / 60)),"flagged_by_bare":\#(flagged)}"#)
