import ChurnGuardCore
public import ChurnGuardStorage
public import ServiceLifecycle
public import Logging
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
public final class IngestPipeline: Service, Sendable {
    /// Bounds of the pipeline.
    public struct Options: Sendable {
        /// Most points committed in one transaction.
        public var maxPointsPerCommit = 50_000
        /// Most points waiting to be committed before new batches are refused.
        public var maxQueuedPoints = 1_000_000
        /// Longest time the writer lets a group fill before committing. It lingers only
        /// while requests arrive concurrently (the previous group held several batches), so
        /// a lone client never waits, and it stops as soon as a tick passes with no new
        /// arrival. On fast disks a commit takes a fraction of a millisecond and groups would
        /// otherwise stay small; this trades a few milliseconds of latency under load for
        /// several times fewer fsyncs (see docs/PERFORMANCE.md). Zero disables lingering.
        public var groupCommitWindow: Duration = .milliseconds(5)
        /// How often a lingering writer checks whether new batches arrived.
        public var groupCommitTick: Duration = .microseconds(500)

        /// The defaults.
        public init() {}
    }

    private struct Pending {
        let batch: PointBatch
        let continuation: CheckedContinuation<Void, any Error>
    }

    private struct State {
        var queue: [Pending] = []
        var queuedPoints = 0
        var waiter: CheckedContinuation<Void, Never>?
        var stopping = false
        var commits = 0
        var committedPoints = 0
        var lastGroupSize = 0
    }

    private let store: any MetricStore
    private let options: Options
    private let logger: Logger
    private let state = Mutex(State())

    /// Creates a pipeline writing to `store`.
    public init(store: any MetricStore, options: Options = Options(), logger: Logger = Logger(label: "churnguard.ingest")) {
        self.store = store
        self.options = options
        self.logger = logger
    }

    /// Queues a validated batch and returns once it is committed.
    /// - Throws: the store's error when the commit failed (nothing of the batch is stored),
    ///   or ``ServiceError`` `unavailable` when the pipeline is stopping or full.
    public func submit(_ batch: PointBatch) async throws {
        guard !batch.points.isEmpty else { return }
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
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
                defer { state.waiter = nil }
                return .success(state.waiter)
            }
            switch outcome {
            case .failure(let error): continuation.resume(throwing: error)
            case .success(let waiter): waiter?.resume()
            }
        }
    }

    /// Commits until graceful shutdown, then drains the queue and returns.
    public func run() async throws {
        await withGracefulShutdownHandler {
            while let group = await nextGroup() {
                await commit(group)
            }
        } onGracefulShutdown: {
            let waiter = self.state.withLock { state in
                state.stopping = true
                defer { state.waiter = nil }
                return state.waiter
            }
            waiter?.resume()
        }
        let totals = state.withLock { ($0.commits, $0.committedPoints) }
        logger.info("ingest pipeline stopped", metadata: ["commits": "\(totals.0)", "points": "\(totals.1)"])
    }

    /// Commits and points committed so far (for metrics and benchmarks).
    public var statistics: (commits: Int, points: Int) {
        state.withLock { ($0.commits, $0.committedPoints) }
    }

    /// The next group to commit, waiting for work; `nil` once stopping with nothing left.
    private func nextGroup() async -> [Pending]? {
        while true {
            enum Step { case group([Pending]), finished, wait }
            await lingerWhileGroupGrows()
            let step = state.withLock { state -> Step in
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
                state.lastGroupSize = taken
                return .group(group)
            }
            switch step {
            case .group(let group): return group
            case .finished: return nil
            case .wait:
                await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                    let resumeNow = state.withLock { state -> Bool in
                        if !state.queue.isEmpty || state.stopping { return true }
                        state.waiter = continuation
                        return false
                    }
                    if resumeNow { continuation.resume() }
                }
            }
        }
    }

    /// Waits, up to the group-commit window, while concurrent batches keep arriving.
    private func lingerWhileGroupGrows() async {
        guard options.groupCommitWindow > .zero else { return }
        func queued() -> Int? {
            state.withLock { state in
                let worthWaiting = !state.queue.isEmpty && !state.stopping && state.lastGroupSize > 1
                    && state.queuedPoints < options.maxPointsPerCommit
                return worthWaiting ? state.queuedPoints : nil
            }
        }
        guard var previous = queued() else { return }
        let clock = ContinuousClock()
        let deadline = clock.now.advanced(by: options.groupCommitWindow)
        while clock.now < deadline {
            try? await Task.sleep(for: options.groupCommitTick)
            guard let current = queued(), current > previous else { return }
            previous = current
        }
    }

    private func commit(_ group: [Pending]) async {
        do {
            try await store.append(group.map(\.batch))
            record(group)
            for pending in group { pending.continuation.resume() }
        } catch where group.count > 1 {
            // One bad batch must not fail its neighbours: retry each on its own. The retries
            // run concurrently: when the store itself is down each one fails only after the
            // store's timeout, and one after another the last caller of a group of N would
            // wait N timeouts for its 503.
            logger.warning("group commit failed; retrying batches one by one", metadata: ["error": "\(error)"])
            await withTaskGroup(of: Void.self) { retries in
                for pending in group {
                    retries.addTask { [store] in
                        do {
                            try await store.append([pending.batch])
                            self.record([pending])
                            pending.continuation.resume()
                        } catch {
                            pending.continuation.resume(throwing: error)
                        }
                    }
                }
            }
        } catch {
            for pending in group { pending.continuation.resume(throwing: error) }
        }
    }

    private func record(_ group: [Pending]) {
        let points = group.reduce(0) { $0 + $1.batch.points.count }
        state.withLock {
            $0.commits += 1
            $0.committedPoints += points
        }
    }
}
