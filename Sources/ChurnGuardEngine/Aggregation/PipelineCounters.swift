import Synchronization

/// Totals of the aggregation pipeline since start-up, shared by the aggregation and
/// retention services and read by the maintenance log.
public final class PipelineCounters: Sendable {
    /// A copy of the counters at one moment.
    public struct Snapshot: Sendable, Equatable {
        /// Completed aggregation runs.
        public var aggregationRuns = 0
        /// Points folded into rollups.
        public var pointsRolledUp = 0
        /// Rollup buckets refused because merging would have made them non-finite.
        public var rejectedBuckets = 0
        /// Completed retention runs.
        public var retentionRuns = 0
        /// Raw points deleted by retention.
        public var rawDeleted = 0
        /// Hourly rollup rows deleted by retention.
        public var hourlyDeleted = 0
        /// Daily rollup rows deleted by retention.
        public var dailyDeleted = 0
        /// Runs that failed (logged, retried at the next tick).
        public var failures = 0
    }

    private let state = Mutex(Snapshot())

    /// Zeroed counters.
    public init() {}

    /// The current totals.
    public var snapshot: Snapshot { state.withLock { $0 } }

    /// Applies `change` atomically.
    func update(_ change: (inout Snapshot) -> Void) {
        state.withLock { change(&$0) }
    }
}
