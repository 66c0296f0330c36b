public import ChurnGuardCore
public import ChurnGuardEngine
public import ChurnGuardStorage
import Foundation
public import Logging
public import Metrics

/// Builds the insight generator's parts from configuration: the narrator (templates checked
/// at start-up), the read cache and the runner.
public enum InsightAssembly {
    /// The narrator of `insights.narrative_templates`. A folder that exists is loaded and
    /// checked (a broken template fails start-up with its file and line); the default folder
    /// missing (a binary run outside the source tree) falls back to the built-in copies of
    /// the shipped templates; any other missing folder is an error.
    public static func narrator(_ configuration: AppConfiguration, logger: Logger) throws -> InsightNarrator {
        let directory = configuration.insightTemplatesDirectory
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: directory, isDirectory: &isDirectory), isDirectory.boolValue {
            return try InsightNarrator.load(directory: directory)
        }
        guard directory == ConfigSchema.templates.defaultValue else {
            throw InsightTemplateError(file: directory, line: 0,
                                       message: "insights.narrative_templates names no folder (it needs one <kind>.mustache per kind)")
        }
        logger.info("insight templates: the default folder is absent, using the built-in templates", metadata: ["folder": "\(directory)"])
        return try InsightNarrator(texts: BuiltInInsightTemplates.texts)
    }

    /// The runner over `backends`, publishing new insights with `publish`.
    public static func runner(_ configuration: AppConfiguration, backends: Backends, narrator: InsightNarrator,
                              publish: @escaping @Sendable ([Insight]) async -> Void, factory: any MetricsFactory,
                              logger: Logger) -> InsightRunner {
        InsightRunner(backends: backends, settings: configuration.insightSettings, narrator: narrator,
                      cache: InProcessInsightCache(ttlSeconds: Int64(configuration.insightCacheTTLSeconds)),
                      publish: publish, metricsFactory: factory, logger: logger)
    }

    /// Time between periodic generation runs.
    public static let interval: Duration = .seconds(900)
}
