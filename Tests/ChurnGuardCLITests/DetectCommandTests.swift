import Foundation
import Testing

@Suite("detect command")
struct DetectCommandTests {
    /// Hourly values with a daily rhythm and one planted spike at row `spikeRow`.
    func series(rows: Int, spikeRow: Int) -> String {
        var csv = "timestamp,value\n"
        var state: UInt64 = 42
        for row in 0..<rows {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            let noise = Double(state >> 40) / Double(1 << 24) - 0.5
            let hour = row % 24
            var value = 50 + 20 * sin(Double(hour) / 24 * 2 * .pi) + 2 * noise
            if row == spikeRow { value += 400 }
            let seconds = 1_700_000_000 + row * 3600
            let date = Date(timeIntervalSince1970: TimeInterval(seconds))
            let formatter = DateFormatter()
            formatter.locale = Locale(identifier: "en_US_POSIX")
            formatter.timeZone = TimeZone(identifier: "UTC")
            formatter.dateFormat = "yyyy-MM-dd HH:mm:ss"
            csv += "\(formatter.string(from: date)),\(value)\n"
        }
        return csv
    }

    @Test("writes one row per input row in order and flags the planted spike")
    func flagsSpike() async throws {
        try await CLIHarness.with { cli in
            let input = try cli.write("series.csv", series(rows: 600, spikeRow: 450))
            let output = cli.directory.appendingPathComponent("out.csv").path
            let result = try await cli.run(["detect", input, "--output", output])
            #expect(result.status == 0, "\(result.stderr)")
            let lines = try String(contentsOfFile: output, encoding: .utf8).split(separator: "\n")
            #expect(lines.first == "timestamp,value,score,is_anomaly,votes")
            #expect(lines.count == 601)
            let rows = lines.dropFirst().map { $0.split(separator: ",", omittingEmptySubsequences: false) }
            let flagged = rows.enumerated().filter { $0.element.count == 5 && $0.element[3] == "1" }.map(\.offset)
            #expect(flagged.contains(450), "flagged rows: \(flagged)")
            #expect(flagged.count <= 5, "a regular daily cycle must not fire: \(flagged)")
            let inputTimes = try String(contentsOfFile: input, encoding: .utf8).split(separator: "\n").dropFirst()
                .map { $0.split(separator: ",")[0] }
            #expect(rows.map { $0[0] } == Array(inputTimes))
        }
    }

    @Test("clear errors for a missing column, an unreadable file and a bad option")
    func errors() async throws {
        try await CLIHarness.with { cli in
            let noValue = try cli.write("bad.csv", "timestamp,amount\n2026-01-01 00:00:00,1\n")
            let missing = try await cli.run(["detect", noValue])
            #expect(missing.status != 0)
            #expect(missing.stderr.contains("value"))
            let unreadable = try await cli.run(["detect", "nowhere.csv"])
            #expect(unreadable.status != 0)
            #expect(unreadable.stderr.contains("nowhere.csv"))
            let input = try cli.write("ok.csv", series(rows: 50, spikeRow: 10))
            let badMethod = try await cli.run(["detect", input, "--methods", "zscore,astrology"])
            #expect(badMethod.status != 0)
            #expect(badMethod.stderr.contains("astrology"))
            let badSetting = try await cli.run(["detect", input, "--set", "astrology=1"])
            #expect(badSetting.status == 64)
            #expect(badSetting.stderr.contains("astrology"))
            let badValue = try await cli.run(["detect", input, "--set", "cooldown=soon"])
            #expect(badValue.status == 64)
        }
    }

    @Test("--set changes the detection: a larger sensitivity through it silences the planted spike")
    func overrides() async throws {
        try await CLIHarness.with { cli in
            let input = try cli.write("series.csv", series(rows: 600, spikeRow: 450))
            let plain = try await cli.run(["detect", input])
            let strict = try await cli.run(["detect", input, "--set", "sensitivity=1000"])
            #expect(plain.status == 0 && strict.status == 0, "\(strict.stderr)")
            func flagged(_ text: String) -> Int {
                text.split(separator: "\n").dropFirst().filter { $0.split(separator: ",").count == 5 && $0.split(separator: ",")[3] == "1" }.count
            }
            #expect(flagged(plain.stdout) >= 1)
            #expect(flagged(strict.stdout) == 0)
            #expect(!plain.stderr.contains("warning"), "the defaults warn about nothing: \(plain.stderr)")
        }
    }

    @Test("--set minimum_history above the window runs, and warns that the rolling methods never judge a row")
    func silencingOverrideWarns() async throws {
        try await CLIHarness.with { cli in
            let input = try cli.write("series.csv", series(rows: 600, spikeRow: 450))
            let probation = try await cli.run(["detect", input, "--set", "minimum_history=576"])
            #expect(probation.status == 0, "\(probation.stderr)")
            #expect(probation.stderr.contains("warning: minimum_history (576) exceeds window (288)"), "\(probation.stderr)")
            let zero = try await cli.run(["detect", input, "--set", "sensitivity=0"])
            #expect(zero.status == 0 && zero.stderr.contains("warning: sensitivity 0.0 is not a positive number"), "\(zero.stderr)")
        }
    }
}
