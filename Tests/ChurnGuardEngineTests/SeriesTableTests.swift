import ChurnGuardAnalytics
@testable import ChurnGuardEngine
import Testing

@Suite("Series table")
struct SeriesTableTests {
    private func window(_ value: Double) -> SeriesWindow {
        var window = SeriesWindow(capacity: 4)
        window.push(time: 1, value: value)
        return window
    }

    @Test("the fingerprint ignores tag order and tells series apart by name, key and value")
    func fingerprint() {
        var forward: [String: String] = [:]
        var backward: [String: String] = [:]
        let pairs = (0..<20).map { ("key\($0)", "value-\($0)-with-a-longer-text") }
        for (key, value) in pairs { forward[key] = value }
        for (key, value) in pairs.reversed() { backward[key] = value }
        #expect(SeriesFingerprint(metricName: "m", tags: forward) == SeriesFingerprint(metricName: "m", tags: backward))
        let base = SeriesFingerprint(metricName: "activity", tags: ["segment": "smb"])
        #expect(base != SeriesFingerprint(metricName: "activityx", tags: ["segment": "smb"]))
        #expect(base != SeriesFingerprint(metricName: "activity", tags: ["segment": "smc"]))
        #expect(base != SeriesFingerprint(metricName: "activity", tags: ["segmenT": "smb"]))
        #expect(base != SeriesFingerprint(metricName: "activity", tags: [:]))
        // Swapping a key with its value is another series.
        #expect(SeriesFingerprint(metricName: "m", tags: ["a": "b"]) != SeriesFingerprint(metricName: "m", tags: ["b": "a"]))
    }

    @Test("near-identical series of many shapes all get distinct fingerprints")
    func distinctFingerprints() {
        var seen = Set<SeriesFingerprint>()
        var count = 0
        for customer in 0..<20_000 {
            for tags in [["customer_id": "c\(customer)"], ["customer_id": "c\(customer)", "segment": "smb"],
                         ["customer_id": "\(customer)c"], ["c": "ustomer_id\(customer)"]] {
                seen.insert(SeriesFingerprint(metricName: "churn_risk_score", tags: tags))
                count += 1
            }
        }
        for length in 0..<64 {
            seen.insert(SeriesFingerprint(metricName: String(repeating: "a", count: length), tags: [:]))
            seen.insert(SeriesFingerprint(metricName: "m", tags: ["k": String(repeating: "\u{0}", count: length)]))
            count += 2
        }
        #expect(seen.count == count)
    }

    @Test("removing idle series keeps the others' windows findable")
    func removal() {
        var table = SeriesTable()
        let series = (0..<100).map { (name: "risk", tags: ["customer_id": "c\($0)"]) }
        for (position, entry) in series.enumerated() {
            table.insert(metricName: entry.name, tags: entry.tags, fingerprint: SeriesFingerprint(metricName: entry.name, tags: entry.tags),
                         window: window(Double(position)), lastSeen: Int64(position))
        }
        #expect(table.removeAll { $0.lastSeen % 2 == 0 } == 50)
        for (position, entry) in series.enumerated() {
            let found = table.window(of: LiveSeriesKey(metricName: entry.name, tags: entry.tags))
            #expect(found?.mean == (position % 2 == 0 ? nil : Double(position)))
        }
        #expect(table.slots(ofMetric: "risk").count == 50)
        #expect(table.slots(ofMetric: "other").isEmpty)
    }
}
