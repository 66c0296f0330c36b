public import ChurnGuardCore
public import ChurnGuardEngine
public import ChurnGuardStorage
import Foundation
public import Logging
public import Metrics

/// Builds the recommendation engine's parts from configuration: the rule book (checked at
/// start-up against the shipped JSON Schema), the settings and the runner.
public enum RecommendationAssembly {
    /// The rules of `recommendations.business_rules`, checked against the schema shipped in
    /// `rules/recommendations.schema.json` (compiled in, so a binary outside the source tree
    /// checks the same). The default file missing (a binary run outside the source tree) falls
    /// back to the built-in copy of the sample playbook; any other missing file is an error.
    /// - Throws: ``RecommendationRulesError`` naming the rule and field of every problem.
    public static func ruleBook(_ configuration: AppConfiguration, logger: Logger) throws -> RecommendationRuleBook {
        let schema = try JSONSchema(text: BuiltInRecommendationRules.schema)
        let path = configuration.businessRulesFile
        if FileManager.default.fileExists(atPath: path) {
            guard let data = FileManager.default.contents(atPath: path) else {
                throw RecommendationRulesError(file: path, problems: [.init(rule: nil, field: "(file)", message: "cannot be read")])
            }
            return try RecommendationRulesParser.parse(data, file: path, schema: schema)
        }
        guard path == ConfigSchema.rules.defaultValue else {
            throw RecommendationRulesError(file: path, problems: [
                .init(rule: nil, field: "(file)", message: "does not exist (recommendations.business_rules)"),
            ])
        }
        logger.info("recommendation rules: the default file is absent, using the built-in sample playbook", metadata: ["file": "\(path)"])
        return try RecommendationRulesParser.parse(Data(BuiltInRecommendationRules.playbook.utf8), file: "built-in playbook", schema: schema)
    }

    /// The engine's settings from `recommendations.*` (the rest are documented defaults).
    public static func settings(_ configuration: AppConfiguration) -> RecommendationSettings {
        var settings = RecommendationSettings()
        settings.maxPerOrganization = configuration.maxRecommendations
        settings.confidenceThreshold = configuration.recommendationConfidenceThreshold
        settings.roiEnabled = configuration.roiCalculationEnabled
        settings.cacheTTLSeconds = Int64(configuration.insightCacheTTLSeconds)
        return settings
    }

    /// The runner over `backends`, publishing new recommendations with `publish`.
    public static func runner(_ configuration: AppConfiguration, book: RecommendationRuleBook, backends: Backends,
                              publish: @escaping @Sendable ([Recommendation]) async -> Void, factory: any MetricsFactory,
                              logger: Logger) -> RecommendationRunner {
        let settings = settings(configuration)
        return RecommendationRunner(backends: backends, book: book, settings: settings,
                                    cache: InProcessRecommendationCache(ttlSeconds: settings.cacheTTLSeconds),
                                    publish: publish, metricsFactory: factory, logger: logger)
    }

    /// Time between periodic runs over every organization (insight runs trigger one sooner).
    public static let interval: Duration = .seconds(900)
}
