public import ChurnGuardCore
public import ChurnGuardStorage
import Foundation
public import Logging
public import Metrics
public import ServiceLifecycle

/// Runs the recommendation engine in the worker (and in `serve` unless `--no-worker`): for an
/// organization as soon as its insight run published new insights (``BusEvent/insightsGenerated``,
/// so it runs after the insight generator), and for every organization every `interval`.
/// Organizations run one after another, each in isolation: one organization's failure is
/// logged and counted (`churnguard_recommendation_failures_total`) and the others still run.
public struct RecommendationService: Service {
    let runner: RecommendationRunner
    let organizations: any OrganizationStore
    let bus: (any EventBus)?
    let interval: Duration
    let now: NowFunction
    let logger: Logger
    let metrics: WorkerMetrics?
    let factory: any MetricsFactory

    /// A service running `runner` over every organization of `organizations`, and after each
    /// insight run published on `bus`.
    public init(runner: RecommendationRunner, organizations: any OrganizationStore, bus: (any EventBus)?, interval: Duration,
                now: @escaping NowFunction, logger: Logger, metrics: WorkerMetrics? = nil, metricsFactory: any MetricsFactory = MetricsSystem.factory) {
        self.runner = runner
        self.organizations = organizations
        self.bus = bus
        self.interval = interval
        self.now = now
        self.logger = logger
        self.metrics = metrics
        factory = metricsFactory
    }

    public func run() async throws {
        let subscription = bus?.subscribe("recommendations", bufferCapacity: 256, kinds: [.insightsGenerated])
        await withDiscardingTaskGroup { group in
            if let subscription {
                group.addTask {
                    await cancelWhenGracefulShutdown {
                        for await event in subscription {
                            guard case .insightsGenerated(let insights) = event else { continue }
                            for organization in Set(insights.map(\.organization)) { await runIsolated(organization) }
                        }
                    }
                }
            }
            group.addTask {
                await runPeriodically(every: interval, clock: ContinuousClock(), logger: logger, name: "recommendations", metrics: metrics) {
                    try await runOnce()
                }
                subscription?.unsubscribe()
            }
        }
    }

    /// One pass over every organization; answers how many recommendations were new.
    @discardableResult
    public func runOnce() async throws -> Int {
        var created = 0
        for organization in try await organizations.allOrganizations() {
            try Task.checkCancellation()
            created += await runIsolated(organization.id)
        }
        return created
    }

    /// One organization's run; a failure is logged and counted, never thrown (a busy
    /// organization is skipped: the run in progress covers it).
    @discardableResult
    func runIsolated(_ organization: OrganizationID) async -> Int {
        do {
            return try await runner.run(organization: organization, asOf: now()).created.count
        } catch RecommendationRunner.RunError.busy {
            return 0
        } catch is CancellationError {
            return 0
        } catch {
            Counter(label: MetricNames.recommendationFailures, dimensions: [("organization_id", organization.description)], factory: factory)
                .increment()
            logger.error("recommendation run failed for one organization; the others continue", metadata: [
                "organization_id": "\(organization)", "error": "\(error)",
            ])
            return 0
        }
    }
}
