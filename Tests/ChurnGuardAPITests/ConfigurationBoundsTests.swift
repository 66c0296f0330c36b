import ChurnGuardBootstrap
import Testing

/// Configuration values that used to crash at start-up or wrap into dangerous settings.
@Suite("Configuration bounds")
struct ConfigurationBoundsTests {
    func configuration(_ settings: [String: String]) throws -> AppConfiguration {
        var values = ConfigValues()
        for (key, value) in settings { values.set(key, value) }
        return try AppConfiguration(values: values)
    }

    @Test("huge or overflowing durations are a configuration error, not a crash or a wrapped cutoff", arguments: [
        "99999999999999999w", "9223372036854775807s", "106752d", "36501d", "-7d", "0s", "59m",
    ])
    func hugeRetention(_ text: String) {
        #expect(throws: ConfigError.self) {
            _ = try configuration(["data_aggregation.retention_policy.raw_data": text])
        }
    }

    @Test("the error names the key and the accepted range")
    func errorText() throws {
        let error = try #require(throws: ConfigError.self) {
            _ = try configuration(["data_aggregation.retention_policy.daily_aggregates": "99999999999999999w"])
        }
        #expect("\(error)".contains("data_aggregation.retention_policy.daily_aggregates"))
        #expect("\(error)".contains("36500d") || "\(error)".contains("duration"))
    }

    @Test("a low-volume gate longer than the detection window (which would silence the rolling methods) is refused, naming the key")
    func minimumHistoryWithinWindow() throws {
        #expect(try configuration(["anomaly_detection.min_history_points": "288"]).anomalyMinimumHistory == 288)
        let error = try #require(throws: ConfigError.self) {
            _ = try configuration(["anomaly_detection.min_history_points": "289"])
        }
        #expect("\(error)".contains("anomaly_detection.min_history_points") && "\(error)".contains("288"), "\(error)")
    }

    @Test("durations within bounds are read", arguments: [("1h", 3600), ("7d", 604_800), ("36500d", 3_153_600_000), ("2w", 1_209_600)])
    func validDurations(_ text: String, _ seconds: Int) throws {
        #expect(try configuration(["data_aggregation.retention_policy.raw_data": text]).retentionRawSeconds == seconds)
    }

    @Test("the accepted time range defaults to ten years back (one on TimescaleDB) and one day ahead")
    func timeRangeDefaults() throws {
        let plain = try configuration([:])
        #expect(plain.validation.maxPointAgeSeconds == Int64(3650 * 86_400))
        #expect(plain.validation.maxPointFutureSeconds == Int64(86_400))
        #expect(AppConfiguration().validation.maxPointAgeSeconds == plain.validation.maxPointAgeSeconds)
        // The built-in defaults are the declared ones, whichever way the configuration is made.
        let built = AppConfiguration()
        #expect(built.validation == plain.validation && built.rateLimits == plain.rateLimits)
        #expect(built.keyCacheTTLSeconds == plain.keyCacheTTLSeconds && built.retentionRawSeconds == plain.retentionRawSeconds)
        let timescale = try configuration(["database.backend": "timescaledb"])
        #expect(timescale.validation.maxPointAgeSeconds == Int64(365 * 86_400))
        let set = try configuration(["api.max_point_age": "30d", "api.max_point_future": "5m"])
        #expect(set.validation.maxPointAgeSeconds == 30 * 86_400 && set.validation.maxPointFutureSeconds == 300)
    }
}
