import ChurnGuardCore
public import ChurnGuardStorage
public import ServiceLifecycle
public import Logging
import Metrics
import Synchronization

/// Commits ingest batches to the store, grouping concurrent requests into one transaction.
///
/// Each caller's `submit` returns only once its batch is durable, so an HTTP 2xx always
/// means committed. While one commit is in flight, newly arrived batches queue up and go
/// into the next one together: many small requests then cost one fsync, not one each
/// (group commit). A batch is never split across commits, so it is stored whole or not at
/// all. The queue is bounded; past the bound callers get an `unavailable` error at once
/// instead of growing memory. On graceful shutdown it stops taking batches and commits
/// everything already queued before `run` returns.
///
/// After each successful commit, and before acknowledging its callers, it publishes the
/// committed group on the ``EventBus`` (if given) with a commit sequence number that grows
/// by one per commit; a failed commit publishes nothing.
public final class IngestPipeline: Service, Sendable {
    /// Bounds of the pipeline.
    public struct Options: Sendable {
        /// Most points committed in one transaction.
        public var maxPointsPerCommit = 50_000
        /// Most points waiting to be committed before new batches are refused.
        public var maxQueuedPoints = 1_000_000
        /// How long the writer lets a group fill before committing it. Adaptive by default:
        /// it lingers only while concurrent writers make it pay, for at most a fraction of
        /// the measured commit time (see ``AdaptiveGroupCommit`` and docs/PERFORMANCE.md).
        public var groupCommit = GroupCommitPolicy.defaultAdaptive

        /// The defaults.
        public init() {}
    }

    private struct Pending {
        let batch: PointBatch
        let continuation: CheckedContinuation<AppendOutcome, any Error>
    }

    private struct State {
        var queue: [Pending] = []
        var queuedPoints = 0
        var waiter: CheckedContinuation<Void, Never>?
        var stopping = false
        var commits = 0
        var committedPoints = 0
        var lastGroupSize = 0
        var adaptive: AdaptiveGroupCommit?
        /// The writer waiting, during a linger, for the queue to reach a number of batches.
        var lingerWaiter: (target: Int, continuation: CheckedContinuation<Void, Never>)?
    }

    private let store: any MetricStore
    private let options: Options
    private let logger: Logger
    private let bus: (any EventBus)?
    private let clock: ElapsedClock
    private let state: Mutex<State>
    /// The last published commit sequence; publishing happens under this lock so that
    /// sequence order and publication order agree.
    private let publication = Mutex<UInt64>(0)
    private let metrics: IngestMetrics

    /// Creates a pipeline writing to `store` and publishing each committed group on `bus`.
    /// `clock` times the linger and the commits (tests pass a manual clock).
    public init(store: any MetricStore, options: Options = Options(), bus: (any EventBus)? = nil,
                clock: any Clock<Duration> = ContinuousClock(), logger: Logger = Logger(label: "churnguard.ingest"),
                metrics: IngestMetrics = IngestMetrics()) {
        self.store = store
        self.metrics = metrics
        self.options = options
        self.bus = bus
        self.clock = ElapsedClock(clock)
        self.logger = logger
        var initial = State()
        if case .adaptive(let settings) = options.groupCommit { initial.adaptive = AdaptiveGroupCommit(settings: settings) }
        state = Mutex(initial)
    }

    /// Queues a validated batch and returns once it is committed.
    /// - Returns: ``AppendOutcome/stored``, or, for a batch whose idempotency key was used
    ///   before, what the store reported (then nothing was stored now).
    /// - Throws: the store's error when the commit failed (the batch may or may not be stored
    ///   when the failure was an outage or a timeout), or ``ServiceError`` `unavailable` when
    ///   the pipeline is stopping or full (then it is certainly not stored).
    @discardableResult
    public func submit(_ batch: PointBatch) async throws -> AppendOutcome {
        guard !batch.points.isEmpty else { return .stored }
        return try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<AppendOutcome, any Error>) in
            let outcome = state.withLock { state -> Result<CheckedContinuation<Void, Never>?, ServiceError> in
                if state.stopping {
                    return .failure(ServiceError(.unavailable(retryAfterSeconds: 5), code: "shutting_down",
                                                 message: "the service is shutting down; retry against another instance"))
                }
                if state.queuedPoints + batch.points.count > options.maxQueuedPoints, !state.queue.isEmpty {
                    return .failure(ServiceError(.unavailable(retryAfterSeconds: 1), code: "ingest_overloaded",
                                                 message: "too many points are waiting to be stored; retry shortly"))
                }
                state.queue.append(Pending(batch: batch, continuation: continuation))
                state.queuedPoints += batch.points.count
                metrics.queueDepth.record(state.queuedPoints)
                if let lingering = state.lingerWaiter, state.queue.count >= lingering.target {
                    state.lingerWaiter = nil
                    return .success(lingering.continuation)
                }
                defer { state.waiter = nil }
                return .success(state.waiter)
            }
            switch outcome {
            case .failure(let error):
                (error.code == "shutting_down" ? metrics.rejectedShuttingDown : metrics.rejectedOverloaded)
                    .increment(by: batch.points.count)
                continuation.resume(throwing: error)
            case .success(let waiter):
                waiter?.resume()
            }
        }
    }

    /// Commits until graceful shutdown or cancellation, then drains the queue and returns.
    ///
    /// Cancellation stops it like a graceful shutdown (new batches are refused, queued ones
    /// are still offered to the store, whose answer, or error, reaches their callers): a
    /// service group that cancels its services, because another one failed or its own task
    /// was cancelled, must not wait forever for an idle writer.
    public func run() async throws {
        await withGracefulShutdownHandler {
            await withTaskCancellationHandler {
                while let group = await nextGroup() {
                    await commit(group)
                }
            } onCancel: {
                self.stop()
            }
        } onGracefulShutdown: {
            self.stop()
        }
        let totals = state.withLock { ($0.commits, $0.committedPoints, $0.adaptive?.averageCommit) }
        logger.info("ingest pipeline stopped", metadata: [
            "commits": "\(totals.0)", "points": "\(totals.1)",
            "average_commit": "\(totals.2.map { "\($0)" } ?? "not measured")",
        ])
    }

    /// Refuses new batches from now on and wakes the writer, which commits what is queued and ends.
    private func stop() {
        let waiters = state.withLock { state in
            state.stopping = true
            defer { state.waiter = nil; state.lingerWaiter = nil }
            return [state.waiter, state.lingerWaiter?.continuation]
        }
        for waiter in waiters { waiter?.resume() }
    }

    /// Commits and points committed so far (for metrics and benchmarks).
    public var statistics: (commits: Int, points: Int) {
        state.withLock { ($0.commits, $0.committedPoints) }
    }

    /// Batches waiting for a commit now (for tests and diagnostics).
    public var queuedBatches: Int {
        state.withLock { $0.queue.count }
    }

    /// The next group to commit, waiting for work; `nil` once stopping with nothing left.
    private func nextGroup() async -> [Pending]? {
        while true {
            enum Step { case group([Pending]), finished, wait }
            await lingerBeforeCommit()
            let step = state.withLock { state -> Step in
                if Task.isCancelled { state.stopping = true }
                if state.queue.isEmpty { return state.stopping ? .finished : .wait }
                var taken = 0
                var points = 0
                while taken < state.queue.count {
                    let size = state.queue[taken].batch.points.count
                    if taken > 0 && points + size > options.maxPointsPerCommit { break }
                    points += size
                    taken += 1
                }
                let group = Array(state.queue.prefix(taken))
                state.queue.removeFirst(taken)
                state.queuedPoints -= points
                metrics.queueDepth.record(state.queuedPoints)
                state.lastGroupSize = taken
                return .group(group)
            }
            switch step {
            case .group(let group): return group
            case .finished: return nil
            case .wait:
                await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                    let resumeNow = state.withLock { state -> Bool in
                        // Cancelled but not yet stopped (the handler runs right after the flag
                        // is set): do not wait for a wake-up that may already have passed.
                        if !state.queue.isEmpty || state.stopping || Task.isCancelled { return true }
                        state.waiter = continuation
                        return false
                    }
                    if resumeNow { continuation.resume() }
                }
            }
        }
    }

    /// Lets the next group fill, as the group-commit policy says.
    private func lingerBeforeCommit() async {
        switch options.groupCommit {
        case .immediate: return
        case .fixed(let window, let tick): await lingerWhileGroupGrows(window: window, tick: tick)
        case .adaptive: await lingerAdaptively()
        }
    }

    /// The fixed policy: waits, up to `window`, while concurrent batches keep arriving.
    private func lingerWhileGroupGrows(window: Duration, tick: Duration) async {
        guard window > .zero else { return }
        func queued() -> Int? {
            state.withLock { state in
                let worthWaiting = !state.queue.isEmpty && !state.stopping && state.lastGroupSize > 1
                    && state.queuedPoints < options.maxPointsPerCommit
                return worthWaiting ? state.queuedPoints : nil
            }
        }
        guard var previous = queued() else { return }
        let deadline = clock.elapsed() + window
        while clock.elapsed() < deadline {
            try? await clock.sleep(tick)
            guard let current = queued(), current > previous else { return }
            previous = current
        }
    }

    /// The adaptive policy: waits while ``AdaptiveGroupCommit`` says so, until the queue
    /// reaches its target or the linger's time is up, whichever comes first.
    private func lingerAdaptively() async {
        let decision = state.withLock { state -> AdaptiveGroupCommit.Linger? in
            guard !state.stopping else { return nil }
            return state.adaptive?.linger(queuedBatches: state.queue.count, queuedPoints: state.queuedPoints,
                                          previousGroupBatches: state.lastGroupSize,
                                          maxPointsPerCommit: options.maxPointsPerCommit)
        }
        guard let decision else { return }
        await withTaskGroup(of: Void.self) { race in
            race.addTask { try? await self.clock.sleep(decision.duration) }
            race.addTask { await self.waitForQueue(atLeast: decision.targetBatches) }
            await race.next()
            race.cancelAll()
        }
    }

    /// Returns once `target` batches are queued, the pipeline stops, or the task is cancelled.
    private func waitForQueue(atLeast target: Int) async {
        await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                let resumeNow = state.withLock { state -> Bool in
                    if state.queue.count >= target || state.stopping || Task.isCancelled { return true }
                    state.lingerWaiter = (target, continuation)
                    return false
                }
                if resumeNow { continuation.resume() }
            }
        } onCancel: {
            let waiter = state.withLock { state in
                defer { state.lingerWaiter = nil }
                return state.lingerWaiter?.continuation
            }
            waiter?.resume()
        }
    }

    private func commit(_ group: [Pending]) async {
        let batches = group.map(\.batch)
        let started = clock.elapsed()
        do {
            let outcomes = try await store.append(batches)
            let duration = clock.elapsed() - started
            metrics.groupBatches.record(group.count)
            finish(group, outcomes: outcomes, commitDuration: duration)
        } catch where group.count > 1 && Self.isRefusalOfContent(error) {
            // One bad batch must not fail its neighbours: retry each on its own, concurrently.
            // Only for a refusal of the content (the group certainly did not commit): after an
            // outage or a timeout the outcome may be unknown — the server can have committed a
            // group whose answer was lost — and a retry could store a batch twice and then
            // acknowledge it. Such a group gets the error at once (the `catch` below).
            logger.warning("group commit failed; retrying batches one by one", metadata: ["error": "\(error)"])
            await withTaskGroup(of: Void.self) { retries in
                for pending in group {
                    retries.addTask { [store] in
                        do {
                            let outcomes = try await store.append([pending.batch])
                            self.finish([pending], outcomes: outcomes, commitDuration: nil)
                        } catch {
                            self.metrics.rejectedStore.increment(by: pending.batch.points.count)
                            pending.continuation.resume(throwing: error)
                        }
                    }
                }
            }
        } catch {
            metrics.rejectedStore.increment(by: group.reduce(0) { $0 + $1.batch.points.count })
            for pending in group { pending.continuation.resume(throwing: error) }
        }
    }

    /// After a commit: counts and publishes the batches that were stored (a replayed one
    /// stored nothing, so nothing of it is seen live), then answers every caller.
    private func finish(_ group: [Pending], outcomes: [AppendOutcome], commitDuration: Duration?) {
        let stored = zip(group, outcomes).filter { $0.1 == .stored }.map(\.0)
        record(stored, commitDuration: commitDuration)
        if !stored.isEmpty { publish(stored.map(\.batch)) }
        for (index, pending) in group.enumerated() {
            pending.continuation.resume(returning: index < outcomes.count ? outcomes[index] : .stored)
        }
    }

    /// Whether `error` says the store refused what was in the group (so nothing of it was
    /// stored), rather than that the store was unreachable or slow (outcome unknown).
    static func isRefusalOfContent(_ error: any Error) -> Bool {
        switch error as? StoreError {
        case .conflict, .invalidRequest, .invalidCursor: true
        // A full disk refuses the whole group alike: retrying each batch would only fail again.
        case .unavailable, .timedOut, .schemaNotCurrent, .storageFull, .storageFailed, nil: false
        }
    }

    /// Publishes one committed group with the next commit sequence number. Only called after
    /// a successful commit, so a failed commit publishes nothing.
    private func publish(_ batches: [PointBatch]) {
        guard let bus else { return }
        publication.withLock { sequence in
            sequence += 1
            bus.publish(.pointsCommitted(CommittedPoints(sequence: sequence, batches: batches)))
        }
    }

    /// Counts a commit; `commitDuration` (nil for retries, which run concurrently and would
    /// skew it) feeds the adaptive policy's average.
    private func record(_ group: [Pending], commitDuration: Duration?) {
        let points = group.reduce(0) { $0 + $1.batch.points.count }
        metrics.accepted.increment(by: points)
        metrics.groupSize.record(points)
        state.withLock {
            $0.commits += 1
            $0.committedPoints += points
            if let commitDuration { $0.adaptive?.recordCommit(duration: commitDuration) }
        }
    }
}
