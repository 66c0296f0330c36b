public import ChurnGuardCore
import Logging
import Metrics
import ServiceLifecycle

/// Runs `body` now and then every `interval` on `clock`, until graceful shutdown or
/// cancellation. A failing run is logged, counted in `counters` (when given) and retried at
/// the next tick; it never ends the loop. With `metrics`, every finished run counts in
/// `churnguard_worker_runs_total{service=name}` and a failed one also in `…_failures_total`.
///
/// On graceful shutdown the surrounding task is cancelled: a sleep ends at once, and a run in
/// progress stops at its next transaction boundary (the stores commit whole transactions or
/// nothing), so no half-done bucket is ever committed.
func runPeriodically<C: Clock>(
    every interval: Duration, clock: C, logger: Logger, name: String, counters: PipelineCounters? = nil,
    metrics: WorkerMetrics? = nil,
    _ body: @escaping @Sendable () async throws -> Void
) async where C.Duration == Duration {
    let runs = metrics?.runs(name)
    let failures = metrics?.failures(name)
    await cancelWhenGracefulShutdown {
        while !Task.isCancelled {
            do {
                try await body()
                runs?.increment()
            } catch is CancellationError {
                break
            } catch {
                if Task.isCancelled { break }
                counters?.update { $0.failures += 1 }
                runs?.increment()
                failures?.increment()
                logger.error("background run failed; retrying at the next tick",
                             metadata: ["service": "\(name)", "error": "\(error)"])
            }
            do { try await clock.sleep(for: interval) } catch { break }
        }
    }
}

/// The current time as the services see it, injected so tests control it.
public typealias NowFunction = @Sendable () -> ChurnGuardCore.Timestamp
