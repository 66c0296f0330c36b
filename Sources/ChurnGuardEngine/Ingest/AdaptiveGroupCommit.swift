/// The adaptive group-commit decision, after PostgreSQL's `commit_delay`/`commit_siblings`.
///
/// Pure and deterministic: it sees only the queue and the durations the writer measured, so
/// tests drive it with plain numbers. The writer lingers before a commit only when
///  - enough writers are active (`commitSiblings`: the batches queued now or in the previous
///    group), so a lone client never waits;
///  - fewer batches are queued than the previous group held: in a closed loop the callers
///    acknowledged by the last commit come back, and once as many are queued as last time,
///    waiting longer mostly adds latency;
///  - and only for a bounded multiple of the recent commit time (an exponentially weighted average
///    of measured commit durations), capped by `maxDelay`: lingering longer than a commit
///    costs more than the fsync it saves.
/// The writer ends a linger early as soon as the queue reaches the target.
public struct AdaptiveGroupCommit: Sendable {
    /// Tuning of the decision.
    public struct Settings: Sendable {
        /// Longest linger, as a multiple of the average commit duration. 3 measured best on
        /// the benchmark machine (docs/PERFORMANCE.md): with 1, groups stayed under 20
        /// points per fsync; beyond 3 throughput did not improve.
        public var commitDelayFactor = 3.0
        /// Fewest active writers (queued now, or in the previous group) worth waiting for.
        public var commitSiblings = 4
        /// Absolute cap of a linger.
        public var maxDelay: Duration = .milliseconds(5)
        /// Weight of the newest commit in the average (0 < weight ≤ 1).
        public var smoothing = 0.2

        /// The defaults.
        public init() {}
    }

    /// What the writer should do before taking the next group.
    public struct Linger: Sendable, Equatable {
        /// The longest wait.
        public var duration: Duration
        /// Stop waiting as soon as this many batches are queued.
        public var targetBatches: Int

        /// Creates a decision.
        public init(duration: Duration, targetBatches: Int) {
            self.duration = duration
            self.targetBatches = targetBatches
        }
    }

    /// The settings in use.
    public let settings: Settings
    /// The average commit duration so far (zero before the first commit).
    public private(set) var averageCommit: Duration = .zero
    private var measured = false

    /// A decision with no commits measured yet.
    public init(settings: Settings = Settings()) {
        self.settings = settings
    }

    /// Folds one measured commit duration into the average.
    public mutating func recordCommit(duration: Duration) {
        let seconds = max(0, Self.seconds(duration))
        guard measured else {
            averageCommit = duration < .zero ? .zero : duration
            measured = true
            return
        }
        let weight = min(max(settings.smoothing, 0.0001), 1)
        averageCommit = .seconds(weight * seconds + (1 - weight) * Self.seconds(averageCommit))
    }

    /// Whether and how long to linger, given the queue now and the size of the last group;
    /// `nil` means commit at once.
    public func linger(queuedBatches: Int, queuedPoints: Int, previousGroupBatches: Int,
                       maxPointsPerCommit: Int) -> Linger? {
        guard queuedBatches > 0, queuedPoints < maxPointsPerCommit else { return nil }
        guard max(queuedBatches, previousGroupBatches) >= settings.commitSiblings else { return nil }
        guard queuedBatches < previousGroupBatches else { return nil }
        let factor = max(settings.commitDelayFactor, 0)
        let budget = min(settings.maxDelay, .seconds(factor * Self.seconds(averageCommit)))
        guard budget > .zero else { return nil }
        return Linger(duration: budget, targetBatches: previousGroupBatches)
    }

    private static func seconds(_ duration: Duration) -> Double {
        let parts = duration.components
        return Double(parts.seconds) + Double(parts.attoseconds) * 1e-18
    }
}
