import Foundation
import Testing
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

@Suite("serve with the in-process worker")
struct ServeWorkerTests {
    func send(_ url: String, key: String, body: String? = nil) async -> (Int, [String: Any])? {
        guard let target = URL(string: url) else { return nil }
        var request = URLRequest(url: target)
        request.timeoutInterval = 5
        request.setValue(key, forHTTPHeaderField: "X-API-Key")
        if let body {
            request.httpMethod = "POST"
            request.setValue("application/json", forHTTPHeaderField: "Content-Type")
            request.httpBody = Data(body.utf8)
        }
        guard let (data, response) = try? await URLSession.shared.data(for: request), let http = response as? HTTPURLResponse else { return nil }
        return (http.statusCode, (try? JSONSerialization.jsonObject(with: data) as? [String: Any]) ?? [:])
    }

    @Test("serve rolls up ingested points in-process and answers /aggregates; SIGTERM exits 0",
          arguments: CLIBackend.available)
    func inProcessWorker(_ backend: CLIBackend) async throws {
        try await CLIHarness.with(backend: backend) { cli in
            let created = try await cli.run(["org", "create", "serve-worker"])
            let key = try #require(try created.json["api_key"] as? String)
            let port = try freePort()
            let (process, _, _) = try cli.start(["serve", "--host", "127.0.0.1", "--port", String(port)],
                                                environment: ["DATA_AGGREGATION_PROCESSING_INTERVAL_SECONDS": "1"])
            defer { if process.isRunning { process.terminate() } }
            let base = "http://127.0.0.1:\(port)/api/v1/analytics/metrics"
            let points = (0..<120).map { #"{"metric_name":"logins","timestamp":\#(1_795_939_200 + $0 * 60),"value":\#($0 % 3)}"# }
            var accepted: Int?
            for _ in 0..<100 where accepted == nil {
                accepted = await send(base, key: key, body: #"{"points":[\#(points.joined(separator: ","))]}"#)?.1["accepted"] as? Int
                if accepted == nil { try await Task.sleep(for: .milliseconds(100)) }
            }
            #expect(accepted == 120)
            var counts: [Int] = []
            for _ in 0..<100 where counts != [60, 60] {
                let buckets = await send(base + "/logins/aggregates?resolution=hour", key: key)?.1["buckets"] as? [[String: Any]] ?? []
                counts = buckets.compactMap { $0["count"] as? Int }
                if counts != [60, 60] { try await Task.sleep(for: .milliseconds(100)) }
            }
            #expect(counts == [60, 60])

            process.terminate()  // SIGTERM
            let deadline = Date().addingTimeInterval(15)
            while process.isRunning && Date() < deadline { try await Task.sleep(for: .milliseconds(50)) }
            #expect(!process.isRunning && process.terminationStatus == 0)
        }
    }
}
