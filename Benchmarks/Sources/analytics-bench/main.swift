// analytics-bench: times Isolation Forest fit+score and LOF fit on float64 matrices.
//
// Usage: analytics-bench [--repeats R] [--only iforest|lof] [--threads 1,2] FILE:N:D ...
// Each FILE holds N*D little-endian float64 values, row-major (scripts/bench-analytics writes
// them with numpy from the same seeded generator scikit-learn is timed on). Each method runs
// once per thread count in --threads (default 1). Prints one JSON object per line: method, n, d,
// threads, median and all run times in seconds, and a checksum (equal for every thread count).

import ChurnGuardAnalytics
import Foundation

struct Job {
    let path: String
    let rows: Int
    let columns: Int
}

var repeats = 3
var only: String?
var threadCounts = [1]
var jobs: [Job] = []
var arguments = CommandLine.arguments.dropFirst()
while let argument = arguments.popFirst() {
    switch argument {
    case "--repeats": repeats = Int(arguments.popFirst() ?? "") ?? repeats
    case "--only": only = arguments.popFirst()
    case "--threads": threadCounts = (arguments.popFirst() ?? "1").split(separator: ",").compactMap { Int($0) }
    default:
        let parts = argument.split(separator: ":")
        guard parts.count == 3, let n = Int(parts[1]), let d = Int(parts[2]) else {
            FileHandle.standardError.write(Data("bad job \(argument); expected FILE:N:D\n".utf8))
            exit(2)
        }
        jobs.append(Job(path: String(parts[0]), rows: n, columns: d))
    }
}

func load(_ job: Job) -> FeatureMatrix? {
    guard let data = FileManager.default.contents(atPath: job.path), data.count == job.rows * job.columns * 8 else {
        return nil
    }
    let values = data.withUnsafeBytes { raw in
        (0..<(job.rows * job.columns)).map { Double(bitPattern: UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: $0 * 8, as: UInt64.self))) }
    }
    return FeatureMatrix(rows: job.rows, columns: job.columns, values: values)
}

func seconds(_ body: () -> Double) -> (Double, Double) {
    let clock = ContinuousClock()
    var check = 0.0
    let elapsed = clock.measure { check = body() }
    let c = elapsed.components
    return (Double(c.seconds) + Double(c.attoseconds) * 1e-18, check)
}

func report(_ method: String, _ job: Job, _ threads: Int, _ runs: [(Double, Double)]) {
    let times = runs.map(\.0)
    let median = times.sorted()[times.count / 2]
    let list = times.map { String(format: "%.4f", $0) }.joined(separator: ", ")
    print("{\"method\": \"\(method)\", \"n\": \(job.rows), \"d\": \(job.columns), \"threads\": \(threads), \"median_s\": \(median), \"runs_s\": [\(list)], \"check_mean\": \(runs[0].1)}")
}

for job in jobs {
    guard let x = load(job) else {
        FileHandle.standardError.write(Data("cannot read \(job.path) as \(job.rows)x\(job.columns) float64\n".utf8))
        exit(1)
    }
    for threads in threadCounts {
        if only == nil || only == "iforest" {
            let runs = (0..<repeats).map { _ in
                seconds {
                    let options = IsolationForest.Options(nEstimators: 100, maxSamples: 256, seed: 0, parallelism: threads)
                    let s = IsolationForest.fit(x, options: options).anomalyScores(x)
                    return s.reduce(0, +) / Double(s.count)
                }
            }
            report("IsolationForest fit+score", job, threads, runs)
        }
        if only == nil || only == "lof" {
            let runs = (0..<repeats).map { _ in
                seconds {
                    let model = LocalOutlierFactor.fit(x, nNeighbors: 20, parallelism: threads)
                    return model.negativeOutlierFactor.reduce(0, +) / Double(x.rows)
                }
            }
            report("LocalOutlierFactor fit", job, threads, runs)
        }
    }
}
