import HTTPTypes
public import ChurnGuardAPI
public import ChurnGuardEngine
public import ChurnGuardStorage
public import Hummingbird
public import Logging
public import ServiceLifecycle
import ChurnGuardCore

/// Assembles the HTTP application and its services from configuration and a store.
///
/// `churnguard serve` and the HTTP tests both go through here, so tests exercise the same
/// wiring users run.
public enum ApplicationBuilder {
    /// The application plus the pipeline it owns (exposed for statistics and tests).
    public struct Built: Sendable {
        /// The Hummingbird application, with the ingest pipeline among its services.
        public let application: Application<RouterResponder<AppRequestContext>>
        /// The group-commit pipeline.
        public let pipeline: IngestPipeline
    }

    /// Builds the application; the caller runs it (which runs its services too).
    public static func build(
        configuration: AppConfiguration, store: any AnalyticsStore, logger: Logger,
        pipelineOptions: IngestPipeline.Options = IngestPipeline.Options(),
        backgroundServices: [any Service] = []
    ) -> Built {
        let pipeline = IngestPipeline(store: store, options: pipelineOptions, logger: logger)
        var options = APIOptions()
        if let header = HTTPField.Name(configuration.apiKeyHeader) { options.apiKeyHeader = header }
        options.maxBodyBytes = configuration.maxBodyBytes
        options.validation = configuration.validation
        let router = makeRouter(APIDependencies(
            store: store, pipeline: pipeline, options: options, backendName: configuration.backend.rawValue))
        var application = Application(
            router: router,
            server: .http1(configuration: HTTPServerSettings.http1(configuration, logger: logger)),
            configuration: .init(address: .hostname(configuration.host, port: configuration.port), serverName: "churnguard"),
            logger: logger)
        application.addServices(pipeline)
        // The worker's services, when `serve` runs them in-process (see BackgroundServices).
        application.addServices(backgroundServices)
        return Built(application: application, pipeline: pipeline)
    }
}
