import ChurnGuardAnalytics
import ChurnGuardBootstrap
import Foundation
import Testing

@Suite("Anomaly monitor configuration")
struct AnomalyConfigurationTests {
    func load(_ environment: [String: String]) throws -> AppConfiguration {
        try AppConfiguration(values: ConfigValues.load(configFile: "/nonexistent/analytics.yaml", required: false, dotEnvFile: nil,
                                                       environment: environment))
    }

    @Test("the defaults are churnguard detect's; the guide's variables and the method switches reach the monitor")
    func settingsReachTheMonitor() throws {
        let defaults = try load([:]).anomalyMonitorOptions
        #expect(defaults.methods == EnsembleDetector.defaultMethods)
        #expect(defaults.settings.sensitivity == DetectionSettings.defaultSensitivity && defaults.settings.votingThreshold == 2)
        #expect(defaults.interval == .seconds(60))
        let set = try load(["ANALYTICS_MONITORING_INTERVAL": "120", "ANOMALY_DETECTION_ENABLED": "false",
                            "ANOMALY_DETECTION_METHODS_ISOLATION_FOREST_ENABLED": "false",
                            "ANOMALY_DETECTION_METHODS_LOCAL_OUTLIER_FACTOR_N_NEIGHBORS": "7",
                            "ANOMALY_DETECTION_DEFAULT_SENSITIVITY": "2.5"])
        #expect(!set.anomalyMonitorEnabled)
        let options = set.anomalyMonitorOptions
        #expect(options.interval == .seconds(120) && options.settings.sensitivity == 2.5 && options.settings.multivariate.neighbors == 7)
        #expect(options.methods == [.zscore, .mad, .iqr, .seasonal, .lof, .regime])
        #expect(set.pendingSettingWarnings.isEmpty, "every one of these keys is acted on: \(set.pendingSettingWarnings)")
    }

    @Test("switching every method off is refused, naming the key")
    func noMethodRefused() throws {
        let error = try #require(throws: ConfigError.self) {
            _ = try load(["ANOMALY_DETECTION_METHODS_STATISTICAL_ENABLED": "false", "ANOMALY_DETECTION_METHODS_ISOLATION_FOREST_ENABLED": "false",
                          "ANOMALY_DETECTION_METHODS_LOCAL_OUTLIER_FACTOR_ENABLED": "false"])
        }
        #expect(error.key == "anomaly_detection.methods.statistical.enabled")
    }
}
