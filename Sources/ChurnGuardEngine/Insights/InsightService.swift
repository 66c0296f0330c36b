public import ChurnGuardCore
public import ChurnGuardStorage
public import Logging
public import ServiceLifecycle

/// Generates every organization's insights now and then every `interval`, in the worker (and
/// in `serve` unless `--no-worker`). Organizations run one after another, each in isolation:
/// one organization's failure (or busy run) is logged and the others still run.
public struct InsightService: Service {
    let runner: InsightRunner
    let organizations: any OrganizationStore
    let interval: Duration
    let now: NowFunction
    let logger: Logger
    let metrics: WorkerMetrics?

    /// A service running `runner` over every organization of `organizations`.
    public init(runner: InsightRunner, organizations: any OrganizationStore, interval: Duration, now: @escaping NowFunction,
                logger: Logger, metrics: WorkerMetrics? = nil) {
        self.runner = runner
        self.organizations = organizations
        self.interval = interval
        self.now = now
        self.logger = logger
        self.metrics = metrics
    }

    public func run() async throws {
        await runPeriodically(every: interval, clock: ContinuousClock(), logger: logger, name: "insights", metrics: metrics) {
            try await runOnce()
        }
    }

    /// One pass over every organization; answers how many insights were new.
    @discardableResult
    public func runOnce() async throws -> Int {
        var created = 0
        for organization in try await organizations.allOrganizations() {
            try Task.checkCancellation()
            do {
                created += try await runner.run(organization: organization.id, asOf: now()).created.count
            } catch is CancellationError {
                throw CancellationError()
            } catch {
                logger.error("insight generation failed for one organization; the others continue", metadata: [
                    "organization_id": "\(organization.id)", "error": "\(error)",
                ])
            }
        }
        return created
    }
}
