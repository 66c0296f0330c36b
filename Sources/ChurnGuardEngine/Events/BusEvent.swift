public import ChurnGuardCore
public import ChurnGuardStorage

/// Something that already happened in the engine, as published on an ``EventBus``.
///
/// An enum so that later features add cases (alerts, anomalies, …) without a new bus; a
/// consumer switches over the cases it cares about.
public enum BusEvent: Sendable {
    /// A group of ingest batches was committed to the store (published after the commit).
    case pointsCommitted(CommittedPoints)
    /// The anomaly monitor stored a new anomaly (published after its commit).
    case anomalyDetected(Anomaly)
    /// A generation run stored insights no earlier run had found (one organization's, best first).
    case insightsGenerated([Insight])
    /// A recommendation run stored recommendations no earlier run had proposed (one organization's).
    case recommendationsCreated([Recommendation])

    /// The kinds of event, by which a subscriber chooses what it receives.
    public enum Kind: Sendable, Hashable, CaseIterable {
        /// ``BusEvent/pointsCommitted(_:)``.
        case pointsCommitted
        /// ``BusEvent/anomalyDetected(_:)``.
        case anomalyDetected
        /// ``BusEvent/insightsGenerated(_:)``.
        case insightsGenerated
        /// ``BusEvent/recommendationsCreated(_:)``.
        case recommendationsCreated
    }

    /// This event's kind.
    public var kind: Kind {
        switch self {
        case .pointsCommitted: .pointsCommitted
        case .anomalyDetected: .anomalyDetected
        case .insightsGenerated: .insightsGenerated
        case .recommendationsCreated: .recommendationsCreated
        }
    }
}

/// One committed group: every batch of one store transaction, and its commit sequence.
///
/// The batches are the very values the pipeline stored (no copy is made to publish them);
/// each carries its organization, and each point its metric name, tags, timestamp and value.
public struct CommittedPoints: Sendable {
    /// The commit sequence number: 1 for this process's first published commit, then one
    /// more per commit, in commit order. A consumer that sees a gap has lost events (its
    /// buffer overflowed) and should resynchronise from the store.
    public var sequence: UInt64
    /// The batches committed together, in the order they were queued.
    public var batches: [PointBatch]

    /// Creates the event for one commit.
    public init(sequence: UInt64, batches: [PointBatch]) {
        self.sequence = sequence
        self.batches = batches
    }

    /// Points in the commit.
    public var pointCount: Int { batches.reduce(0) { $0 + $1.points.count } }
}
