// One insight generation run of the demo organization (CUSTOMERS customers × 5 metrics ×
// DAYS days of hourly points) over the in-memory store, as medians of RUNS runs, side by side
// with its parts in the same process: reading the two compared periods' points alone (the
// reference: what any run must at least do) and the generator alone on loaded inputs.
// usage: insights-bench [--customers N] [--days N] [--runs N]
import ChurnGuardCore
import ChurnGuardEngine
import ChurnGuardStorage
import Foundation
import Logging
import Metrics

func argument(_ name: String, _ fallback: Int) -> Int {
    let args = CommandLine.arguments
    guard let index = args.firstIndex(of: name), index + 1 < args.count, let value = Int(args[index + 1]) else { return fallback }
    return value
}

func seconds(_ duration: Duration) -> Double {
    Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
}

func median(_ values: [Double]) -> Double { values.sorted()[values.count / 2] }

let customers = argument("--customers", 500), days = argument("--days", 45), runs = argument("--runs", 5)
let now = Timestamp(Date())
let dataset = DemoDataset.endingAt(now, days: days, customers: customers)
let store = InMemoryStore()
let organization = OrganizationID.random()
try await store.createOrganization(Organization(id: organization, name: "bench", tier: .default, createdAt: Date()))
for day in 0..<dataset.days {
    _ = try await store.append([PointBatch(organization: organization, points: dataset.points(forDay: day))])
}
while try await store.rollUp(maxPoints: 1_000_000) > 0 {}
print("seeded \(dataset.pointCount) points (\(customers) customers × \(DemoDataset.metricNames.count) metrics × \(days) days)")

let backends = Backends.single(store, name: "memory")
let settings = InsightSettings()
let narrator = try InsightNarrator(texts: BuiltInInsightTemplates.texts)
let runner = InsightRunner(backends: backends, settings: settings, narrator: narrator, cache: InProcessInsightCache(ttlSeconds: 0),
                           publish: { _ in }, metricsFactory: NOOPMetricsHandler.instance, logger: Logger(label: "bench"))
let loader = InsightDataLoader(points: store, rollups: store, alerts: store, settings: settings)
let generator = InsightGenerator(settings: settings)
let clock = ContinuousClock()

var whole: [Double] = [], reading: [Double] = [], finding: [Double] = []
var insights = 0
for _ in 0..<runs {
    // Reference: page through every point of the two periods of every metric, nothing else.
    let readStart = clock.now
    var read = 0
    for metric in DemoDataset.metricNames {
        var query = PointQuery(metricName: metric, from: now.adding(seconds: -14 * 86_400), to: now, limit: 10_000)
        while true {
            let page = try await store.points(query, organization: organization)
            read += page.points.count
            guard let next = page.nextCursor else { break }
            query.after = next
        }
    }
    reading.append(seconds(clock.now - readStart))

    let loaded = try await loader.load(organization: organization, asOf: now)
    let findStart = clock.now
    _ = generator.findings(loaded.inputs)
    finding.append(seconds(clock.now - findStart))

    let start = clock.now
    insights = try await runner.run(organization: organization, asOf: now).insights.count
    whole.append(seconds(clock.now - start))
    _ = read
}
print(String(format: "read the two periods' points (reference): median %.3f s", median(reading)))
print(String(format: "generator alone on loaded inputs:          median %.3f s", median(finding)))
print(String(format: "whole generation run (load, find, narrate, store): median %.3f s, %d insights", median(whole), insights))
