public import ChurnGuardCore
public import Logging
public import Metrics
public import ServiceLifecycle
public import Foundation

/// Feeds the ``RealtimeEngine`` from the event bus and runs its periodic work, as a
/// swift-service-lifecycle `Service`.
///
/// The subscription is taken when the service is created (before the server starts), so
/// every commit published afterwards reaches it. Only `pointsCommitted` events exist, and
/// the pipeline publishes them after the commit, so a point that was not stored is never
/// seen here. A slow engine never slows ingest: the bus drops the subscription's oldest
/// events when its buffer is full, counted on `churnguard_event_bus_dropped_total{subscriber="realtime"}`;
/// the gap in commit sequence numbers is counted here (`churnguard_realtime_event_gaps_total`)
/// and logged. After each fold the `onCommit` consumers (alert evaluation, the live stream)
/// run in order; every `processing_interval_seconds` the `onTick` consumers run (statistics
/// pushes) and, with `performance_logging`, one line reports the points folded and their cost;
/// every `cleanup_interval_seconds` idle series are evicted.
public struct RealtimeService: Service {
    /// Called with each committed group after it was folded.
    public typealias CommitConsumer = @Sendable (CommittedPoints) async -> Void
    /// Called every processing interval with the current time (microseconds since the epoch).
    public typealias TickConsumer = @Sendable (Int64) async -> Void

    let engine: RealtimeEngine
    let subscription: EventSubscription
    let onCommit: [CommitConsumer]
    let onTick: [TickConsumer]
    let now: @Sendable () -> Int64
    let logger: Logger
    let gapCounter: Counter

    /// Subscribes to `bus` now (name `realtime`) and keeps the engine fed once running.
    public init(engine: RealtimeEngine, bus: any EventBus, onCommit: [CommitConsumer] = [], onTick: [TickConsumer] = [],
                now: @escaping @Sendable () -> Int64 = { Timestamp(Date()).microseconds }, logger: Logger,
                metricsFactory: any MetricsFactory = MetricsSystem.factory) {
        self.engine = engine
        subscription = bus.subscribe("realtime", bufferCapacity: engine.options.eventBufferCapacity, kinds: [.pointsCommitted])
        self.onCommit = onCommit
        self.onTick = onTick
        self.now = now
        self.logger = logger
        gapCounter = Counter(label: "churnguard_realtime_event_gaps_total", factory: metricsFactory)
    }

    /// Consumes events and ticks until graceful shutdown.
    public func run() async throws {
        await withGracefulShutdownHandler {
            await withDiscardingTaskGroup { group in
                group.addTask { await consume() }
                group.addTask { await tick() }
            }
        } onGracefulShutdown: {
            subscription.unsubscribe()
        }
    }

    private func consume() async {
        var lastSequence: UInt64?
        for await event in subscription {
            switch event {
            case .pointsCommitted(let committed):
                if let lastSequence, committed.sequence > lastSequence + 1 {
                    gapCounter.increment(by: Int(committed.sequence - lastSequence - 1))
                    logger.warning("real-time engine missed commits (its event buffer overflowed)", metadata: [
                        "missed_commits": "\(committed.sequence - lastSequence - 1)",
                        "dropped_events": "\(subscription.dropped)",
                    ])
                }
                lastSequence = committed.sequence
                engine.fold(committed, now: now())
                for consumer in onCommit { await consumer(committed) }
            case .anomalyDetected, .insightsGenerated, .recommendationsCreated:
                continue
            }
        }
    }

    private func tick() async {
        let interval = Duration.seconds(max(1, engine.options.processingIntervalSeconds))
        let cleanupEvery = max(1, engine.options.cleanupIntervalSeconds / max(1, engine.options.processingIntervalSeconds))
        var ticks = 0
        while !Task.isShuttingDownGracefully, !subscription.buffer.isFinished {
            do { try await cancelWhenGracefulShutdown { try await Task.sleep(for: interval) } } catch { return }
            if Task.isShuttingDownGracefully || subscription.buffer.isFinished { return }
            ticks += 1
            let current = now()
            if engine.options.performanceLogging {
                let (points, nanoseconds) = engine.takeThroughput()
                if points > 0 {
                    logger.info("real-time engine throughput", metadata: [
                        "points": "\(points)", "fold_ns_per_point": "\(nanoseconds / UInt64(points))",
                        "live_series": "\(engine.liveSeries)", "interval_seconds": "\(engine.options.processingIntervalSeconds)",
                    ])
                }
            }
            for consumer in onTick { await consumer(current) }
            if ticks % cleanupEvery == 0 {
                let evicted = engine.evictIdle(now: current)
                if evicted > 0 {
                    logger.info("real-time engine evicted idle series", metadata: ["evicted": "\(evicted)", "live_series": "\(engine.liveSeries)"])
                }
            }
        }
    }
}
