import Foundation
import Testing
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

@Suite("serve, health and demo")
struct ServeCommandTests {
    func get(_ url: String, key: String? = nil) async -> (Int, Data)? {
        guard let target = URL(string: url) else { return nil }
        var request = URLRequest(url: target)
        request.timeoutInterval = 5
        if let key { request.setValue(key, forHTTPHeaderField: "X-API-Key") }
        guard let (data, response) = try? await URLSession.shared.data(for: request), let http = response as? HTTPURLResponse else { return nil }
        return (http.statusCode, data)
    }

    @Test("serve --demo seeds, answers with the printed key, passes `health` and stops cleanly on SIGTERM",
          arguments: CLIBackend.available)
    func serveLifecycle(_ backend: CLIBackend) async throws {
        try await CLIHarness.with(backend: backend) { cli in
            // A small demo dataset keeps the debug-build test quick; the full size is the default.
            let seeded = try await cli.run(["demo", "--days", "2", "--customers", "10"])
            #expect(seeded.status == 0, "\(seeded.stderr)")
            #expect(try seeded.json["points_loaded"] as? Int == 2 * 24 * 10 * 5)

            let port = try freePort()
            let (process, out, _) = try cli.start(["serve", "--demo", "--host", "127.0.0.1", "--port", String(port)])
            defer { if process.isRunning { process.terminate() } }
            var healthy = false
            for _ in 0..<100 {
                if let (status, _) = await get("http://127.0.0.1:\(port)/health"), status == 200 { healthy = true; break }
                try await Task.sleep(for: .milliseconds(100))
            }
            #expect(healthy)
            let banner = String(decoding: out.fileHandleForReading.availableData, as: UTF8.self)
            #expect(banner.contains("already seeded"))
            let key = try #require(banner.split(separator: "\n").first { $0.contains("API key") }?.split(separator: " ").last.map(String.init))
            let metrics = await get("http://127.0.0.1:\(port)/api/v1/analytics/metrics", key: key)
            #expect(metrics?.0 == 200)
            let body = try #require(metrics.flatMap { try? JSONSerialization.jsonObject(with: $0.1) as? [String: Any] })
            #expect((body["metrics"] as? [Any])?.count == 5)
            // The dashboard's address is printed beside the key, and it serves the page there.
            #expect(banner.contains("Dashboard: http://127.0.0.1:\(port)/"), "\(banner)")
            let page = await get("http://127.0.0.1:\(port)/")
            #expect(page?.0 == 200)
            #expect(page.map { String(decoding: $0.1, as: UTF8.self).contains("/static/app.js") } == true)
            // The key printed by the earlier `demo` run was revoked by this one.
            let oldKey = try #require(try seeded.json["api_key"] as? String)
            #expect(await get("http://127.0.0.1:\(port)/api/v1/analytics/metrics", key: oldKey)?.0 == 401)

            // Administration works on the same database while the service runs.
            let created = try await cli.run(["org", "create", "live-org"])
            #expect(created.status == 0, "\(created.stderr)")
            let liveKey = try #require(try created.json["api_key"] as? String)
            #expect(await get("http://127.0.0.1:\(port)/api/v1/analytics/metrics", key: liveKey)?.0 == 200)

            let health = try await cli.run(["health", "--url", "http://127.0.0.1:\(port)"])
            #expect(health.status == 0, "\(health.stdout)")
            #expect(health.stdout.contains("API: healthy"))
            #expect(health.stdout.contains("Database: healthy (\(backend == .sqlite ? "sqlite" : "timescaledb"))"), "\(health.stdout)")

            process.terminate()  // SIGTERM
            let deadline = Date().addingTimeInterval(15)
            while process.isRunning && Date() < deadline { try await Task.sleep(for: .milliseconds(50)) }
            #expect(!process.isRunning)
            #expect(process.terminationStatus == 0)
        }
    }

    @Test("health fails when nothing listens")
    func healthDown() async throws {
        try await CLIHarness.with { cli in
            let result = try await cli.run(["health", "--url", "http://127.0.0.1:\(try freePort())", "--timeout", "1"])
            #expect(result.status != 0)
            #expect(result.stdout.contains("API: unhealthy"))
        }
    }

    @Test("serve refuses the guide's placeholder JWT secret outside debug mode")
    func placeholderSecret() async throws {
        try await CLIHarness.with { cli in
            let placeholder = "your-super-secret-jwt-key-change-this-in-production"
            let refused = try await cli.run(["serve", "--port", String(try freePort())], environment: ["JWT_SECRET_KEY": placeholder])
            #expect(refused.status != 0)
            #expect(refused.stderr.contains("JWT_SECRET_KEY") && refused.stderr.contains("placeholder"))
            let short = try await cli.run(["serve", "--port", String(try freePort())], environment: ["JWT_SECRET_KEY": "short"])
            #expect(short.stderr.contains("at least 32 bytes"))
        }
    }

    @Test("serve refuses an invalid rules file at start-up, naming the rule and the field")
    func invalidRules() async throws {
        try await CLIHarness.with { cli in
            let file = cli.directory.appendingPathComponent("bad-rules.json")
            let rules = """
                {"version": 1, "rules": [{"id": "smb_calls", "confidence": 0.8,
                  "conditions": {"insight": {"kind": "segment_contribution", "metric_nam": "customer_activity"}},
                  "action": {"title": "T", "description": "D", "category": "success_call"},
                  "effect": {"churn_reduction": {"low": 0.1, "expected": 0.2, "high": 0.3}, "horizon_days": "90"},
                  "cost": {"fixed": 100, "per_customer": 5}}]}
                """
            try Data(rules.utf8).write(to: file)
            let refused = try await cli.run(["serve", "--port", String(try freePort())],
                                            environment: ["RECOMMENDATIONS_BUSINESS_RULES": file.path])
            #expect(refused.status != 0)
            #expect(refused.stderr.contains("rule smb_calls (rules[0]), field conditions.insight.metric_nam: is not a known field"), "\(refused.stderr)")
            #expect(refused.stderr.contains("rule smb_calls (rules[0]), field effect.horizon_days: must be integer"), "\(refused.stderr)")
            let missing = try await cli.run(["serve", "--port", String(try freePort())],
                                            environment: ["RECOMMENDATIONS_BUSINESS_RULES": cli.directory.appendingPathComponent("none.json").path])
            #expect(missing.status != 0 && missing.stderr.contains("does not exist"), "\(missing.stderr)")
        }
    }
}
