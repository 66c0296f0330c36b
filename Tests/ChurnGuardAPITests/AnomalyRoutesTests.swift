import ChurnGuardBootstrap
import ChurnGuardCore
import ChurnGuardEngine
import ChurnGuardStorage
import Foundation
import HTTPTypes
import HummingbirdTesting
import Logging
import Testing

@Suite("Anomaly routes over HTTP")
struct AnomalyRoutesTests {
    static let anomalies = "/api/v1/analytics/anomalies"
    /// Twenty days ago, on the hour: every fixture point is inside the accepted time range.
    static let base = Int(Date().timeIntervalSince1970) / 3600 * 3600 - 20 * 86_400

    /// An ingest body of `rows` hourly points of one series: a daily cycle, a fixed noise
    /// pattern and a spike of +40 at `spike`.
    static func series(_ metric: String, customer: String, rows: Int = 360, spike: Int? = 300) -> String {
        let points = (0..<rows).map { row in
            let noise = Double((row * 7919) % 13) / 6 - 1
            let value = 50 + 10 * sin(2 * Double.pi * Double(row % 24) / 24) + noise + (row == spike ? 40 : 0)
            return #"{"metric_name":"\#(metric)","timestamp":\#(base + row * 3600),"value":\#((value * 100).rounded() / 100),"tags":{"customer_id":"\#(customer)","segment":"smb"}}"#
        }
        return #"{"points":[\#(points.joined(separator: ","))]}"#
    }

    /// The JSON points of a `detect` body.
    static func postedPoints(rows: Int, spike: Int) -> String {
        (0..<rows).map { row in
            let noise = Double((row * 7919) % 13) / 6 - 1
            let value = 50 + 10 * sin(2 * Double.pi * Double(row % 24) / 24) + noise + (row == spike ? 40 : 0)
            return #"{"timestamp":\#(base + row * 3600),"value":\#((value * 100).rounded() / 100)}"#
        }.joined(separator: ",")
    }

    static func runMonitor(_ harness: APITestHarness) async throws -> AnomalyMonitor.Report {
        var logger = Logger(label: "monitor")
        logger.logLevel = .critical
        let monitor = AnomalyMonitor(identity: harness.store, points: harness.store, anomalies: harness.store, bus: harness.bus,
                                     options: harness.configuration.anomalyMonitorOptions, now: { Timestamp(Date()) }, logger: logger)
        return try await monitor.runOnce()
    }

    static func errorFields(_ response: TestResponse) throws -> Set<String> {
        let error = try response.json["error"] as? [String: Any]
        let details = error?["details"] as? [[String: Any]] ?? []
        return Set(details.compactMap { $0["field"] as? String })
    }

    static func listed(_ response: TestResponse) throws -> [[String: Any]] {
        try response.json["anomalies"] as? [[String: Any]] ?? []
    }

    @Test("the monitor's anomalies are listed, filtered, paged, read and given feedback; another organization sees none of them",
          arguments: TestBackend.available)
    func monitorFeedbackAndIsolation(backend: TestBackend) async throws {
        try await APITestHarness.run(backend: backend) { harness, client in
            for customer in ["c1", "c2"] {
                let ingest = try await client.send(.post, "/api/v1/analytics/metrics", key: harness.keyA,
                                                   json: Self.series("customer_activity", customer: customer))
                #expect(ingest.status == .ok)
            }
            let other = try await client.send(.post, "/api/v1/analytics/metrics", key: harness.keyB,
                                              json: Self.series("customer_activity", customer: "b1"))
            #expect(other.status == .ok)
            let report = try await Self.runMonitor(harness)
            #expect(report.failures == 0 && report.created >= 3, "\(report)")

            let all = try await client.send(.get, Self.anomalies + "?limit=1000", key: harness.keyA)
            #expect(all.status == .ok)
            let items = try Self.listed(all)
            let spikeTime = Timestamp(seconds: Int64(Self.base + 300 * 3600)).description
            let spikes = items.filter { $0["peak_at"] as? String == spikeTime }
            #expect(Set(spikes.compactMap { ($0["tags"] as? [String: String])?["customer_id"] }) == ["c1", "c2"], "\(items.count)")
            #expect(items.allSatisfy { ($0["tags"] as? [String: String])?["customer_id"] != "b1" }, "B's anomalies are not A's")
            let spike = try #require(spikes.first)
            #expect((spike["explanation"] as? String)?.contains("rose to") == true)
            #expect((spike["methods"] as? [[String: Any]])?.contains { $0["vote"] as? Bool == true } == true)
            #expect(spike["status"] as? String == "open")

            // Filters and cursor pages.
            let c1 = try Self.listed(try await client.send(.get, Self.anomalies + "?tag.customer_id=c1&metric=customer_activity", key: harness.keyA))
            #expect(!c1.isEmpty && c1.allSatisfy { ($0["tags"] as? [String: String])?["customer_id"] == "c1" })
            let window = "from=\(Timestamp(seconds: Int64(Self.base + 299 * 3600)))&to=\(Timestamp(seconds: Int64(Self.base + 301 * 3600)))"
            let inWindow = try Self.listed(try await client.send(.get, Self.anomalies + "?" + window, key: harness.keyA))
            #expect(Set(inWindow.compactMap { $0["peak_at"] as? String }) == [spikeTime])
            var seen: [String] = []
            var cursor: String?
            repeat {
                let page = try await client.send(.get, Self.anomalies + "?limit=1" + (cursor.map { "&cursor=\($0)" } ?? ""), key: harness.keyA)
                seen += try Self.listed(page).compactMap { $0["id"] as? String }
                cursor = try page.json["next_cursor"] as? String
            } while cursor != nil && seen.count <= items.count
            #expect(seen == items.compactMap { $0["id"] as? String }, "pages of one give the full listing in order")

            // One anomaly, then feedback.
            let id = try #require(spike["id"] as? String)
            let one = try await client.send(.get, Self.anomalies + "/" + id, key: harness.keyA)
            #expect(try one.status == .ok && one.json["id"] as? String == id)
            #expect(try await client.send(.get, Self.anomalies + "/" + id, key: harness.keyB).status == .notFound)
            let stolen = try await client.send(.post, Self.anomalies + "/\(id)/feedback", key: harness.keyB, json: #"{"feedback":"false_positive"}"#)
            #expect(stolen.status == .notFound)
            let marked = try await client.send(.post, Self.anomalies + "/\(id)/feedback", key: harness.keyA,
                                               json: #"{"feedback":"false_positive","comment":"a test account"}"#)
            #expect(marked.status == .ok)
            #expect((try marked.json["anomaly"] as? [String: Any])?["status"] as? String == "false_positive")
            #expect((try marked.json["series_tuning"] as? [String: Any])?["sensitivity_factor"] as? Double == 1.25)
            let summary = try await client.send(.get, Self.anomalies + "?status=false_positive", key: harness.keyA)
            #expect(try Self.listed(summary).compactMap { $0["id"] as? String } == [id])
            let feedback = try summary.json["feedback"] as? [String: Any]
            #expect(feedback?["false_positive"] as? Int == 1 && feedback?["precision"] as? Double == 0)
            let otherSummary = try await client.send(.get, Self.anomalies, key: harness.keyB)
            #expect((try otherSummary.json["feedback"] as? [String: Any])?["false_positive"] as? Int == 0)
            #expect(try Self.listed(otherSummary).allSatisfy { ($0["tags"] as? [String: String])?["customer_id"] == "b1" })

            // Bad input names the field.
            let bad = try await client.send(.post, Self.anomalies + "/\(id)/feedback", key: harness.keyA, json: #"{"feedback":"maybe","x":1}"#)
            #expect(bad.status.code == 422)
            #expect(try Self.errorFields(bad) == ["feedback", "x"])
            let badQuery = try await client.send(.get, Self.anomalies + "?severity=urgent&status=done&limit=0&cursor=zz&from=soon", key: harness.keyA)
            #expect(badQuery.status.code == 422)
            #expect(try Self.errorFields(badQuery) == ["severity", "status", "limit", "cursor", "from"])
            #expect(try await client.send(.get, Self.anomalies + "/nope", key: harness.keyA).status == .notFound)
        }
    }

    @Test("on-demand detection over posted points and a stored series, a backtest against the current setting, and its bounds",
          arguments: TestBackend.available)
    func detectAndBacktest(backend: TestBackend) async throws {
        try await APITestHarness.run(backend: backend) { harness, client in
            let detect = Self.anomalies + "/detect"
            let posted = try await client.send(.post, detect, key: harness.keyA,
                                               json: #"{"points":[\#(Self.postedPoints(rows: 360, spike: 300))],"sensitivity":1.75}"#)
            #expect(posted.status == .ok, "\(String(buffer: posted.body))")
            let result = try posted.json["result"] as? [String: Any]
            let found = result?["anomalies"] as? [[String: Any]] ?? []
            let spikeTime = Timestamp(seconds: Int64(Self.base + 300 * 3600)).description
            #expect(found.contains { $0["peak_at"] as? String == spikeTime })
            #expect(found.allSatisfy { $0["id"] == nil }, "nothing is stored, so nothing has an id")
            #expect(try posted.json["points_examined"] as? Int == 360)

            for customer in ["c1", "c2"] {
                #expect(try await client.send(.post, "/api/v1/analytics/metrics", key: harness.keyA,
                                              json: Self.series("logins", customer: customer)).status == .ok)
            }
            let stored = try await client.send(.post, detect, key: harness.keyA,
                                               json: #"{"metric_name":"logins","tags":{"customer_id":"c1"},"methods":["zscore","mad"],"voting_threshold":1}"#)
            #expect(stored.status == .ok, "\(String(buffer: stored.body))")
            #expect(try stored.json["points_examined"] as? Int == 360)
            #expect(((try stored.json["result"] as? [String: Any])?["settings"] as? [String: Any])?["methods"] as? [String] == ["zscore", "mad"])
            let backtest = try await client.send(.post, detect, key: harness.keyA,
                                                 json: #"{"metric_name":"logins","tags":{"customer_id":"c1"},"backtest":true,"days":30,"sensitivity":6}"#)
            #expect(backtest.status == .ok, "\(String(buffer: backtest.body))")
            let proposed = try backtest.json["proposed"] as? [String: Any]
            let current = try backtest.json["current"] as? [String: Any]
            #expect((proposed?["settings"] as? [String: Any])?["sensitivity"] as? Double == 6)
            #expect((current?["settings"] as? [String: Any])?["sensitivity"] as? Double == harness.configuration.anomalySensitivity)
            let proposedCount = try #require(proposed?["count"] as? Int), currentCount = try #require(current?["count"] as? Int)
            #expect(proposedCount <= currentCount && currentCount >= 1, "a much stricter setting flags no more: \(proposedCount) vs \(currentCount)")
            #expect(try backtest.json["backtest_days"] as? Int == 30)

            // Bounds and clear errors.
            let ambiguous = try await client.send(.post, detect, key: harness.keyA, json: #"{"metric_name":"logins","tags":{"segment":"smb"}}"#)
            #expect(ambiguous.status.code == 422 && ambiguous.errorCode == "ambiguous_series")
            let tooMany = try await client.send(.post, detect, key: harness.keyA,
                                                json: #"{"points":[\#(Array(repeating: #"{"timestamp":1,"value":1}"#, count: 20_001).joined(separator: ","))]}"#)
            #expect(try tooMany.status.code == 422 && Self.errorFields(tooMany) == ["points"])
            let wrong = try await client.send(.post, detect, key: harness.keyA,
                                              json: #"{"metric_name":"logins","methods":["magic"],"sensitivity":0,"voting_threshold":9,"days":3,"extra":1}"#)
            #expect(wrong.status.code == 422)
            #expect(try Self.errorFields(wrong) == ["methods", "sensitivity", "voting_threshold", "days", "extra"])
            let missing = try await client.send(.post, detect, key: harness.keyA, json: "{}")
            #expect(try missing.status.code == 422 && Self.errorFields(missing) == ["metric_name"])
            // Another organization cannot score A's series.
            let foreign = try await client.send(.post, detect, key: harness.keyB, json: #"{"metric_name":"logins","tags":{"customer_id":"c1"}}"#)
            #expect(foreign.status == .notFound && foreign.errorCode == "no_points")
        }
    }
}
