public import ChurnGuardStorage
import ChurnGuardCore
import Foundation

/// The behaviour every backend must show, one slice per storage role, run by each backend's
/// tests against a fresh, migrated store. A backend runs the slices of the roles it serves:
/// ``pointCases`` for ``MetricStore``, ``organizationCases`` for ``OrganizationStore``,
/// ``rollupCases`` for ``RollupStore`` (given the points role it folds from). A later role
/// (alerts, anomalies, the notification outbox, …) adds its own slice here.
public enum StoreConformance {
    /// One named check of a role.
    public struct Case<Subject: Sendable>: Sendable, CustomStringConvertible {
        /// Short name, shown by the test runner.
        public let name: String
        /// Runs the check against a fresh store; throws ``ConformanceFailure`` on a mismatch.
        public let run: @Sendable (Subject) async throws -> Void
        public var description: String { name }
    }

    /// What the rollup slice checks: the rollups of the points appended through `points`.
    public struct RollupSubject: Sendable {
        /// Where the cases append (and read back) points.
        public let points: any MetricStore
        /// The rollup role under test.
        public let rollups: any RollupStore

        /// Pairs a points role with the rollups folded from it.
        public init(points: any MetricStore, rollups: any RollupStore) {
            self.points = points
            self.rollups = rollups
        }

        /// One backend serving both roles.
        public init(_ store: some MetricStore & RollupStore) {
            self.init(points: store, rollups: store)
        }

        @discardableResult
        func append(_ batches: [PointBatch]) async throws -> [AppendOutcome] { try await points.append(batches) }
        func points(_ query: PointQuery, organization: OrganizationID) async throws -> PointPage {
            try await points.points(query, organization: organization)
        }
        func metrics(organization: OrganizationID) async throws -> [MetricSummary] { try await points.metrics(organization: organization) }
        func rollUp(maxPoints: Int, dimensions: RollupDimensions = .standard) async throws -> Int {
            try await rollups.rollUp(maxPoints: maxPoints, dimensions: dimensions)
        }
        func foldNewPoints(maxPoints: Int, dimensions: RollupDimensions = .standard) async throws -> RollupRun {
            try await rollups.foldNewPoints(maxPoints: maxPoints, dimensions: dimensions)
        }
        func dimensionRollups(metricName: String, dimension: String, resolution: RollupResolution, from: Timestamp?, to: Timestamp?,
                              limit: Int, organization: OrganizationID) async throws -> [DimensionRollupBucket] {
            try await rollups.dimensionRollups(metricName: metricName, dimension: dimension, resolution: resolution, from: from, to: to,
                                               limit: limit, organization: organization)
        }
        func rollups(metricName: String, resolution: RollupResolution, from: Timestamp?, to: Timestamp?, limit: Int,
                     organization: OrganizationID) async throws -> [RollupBucket] {
            try await rollups.rollups(metricName: metricName, resolution: resolution, from: from, to: to, limit: limit,
                                      organization: organization)
        }
        func expire(_ tier: RetentionTier, before cutoff: Timestamp, limit: Int) async throws -> Int {
            try await rollups.expire(tier, before: cutoff, limit: limit)
        }
        func rollupStatistics() async throws -> RollupStatistics { try await rollups.rollupStatistics() }
    }

    /// The rollup slice: incremental folding, late points, retention, the property test
    /// against raw recomputation, and per-bucket isolation of overflow.
    public static let rollupCases: [Case<RollupSubject>] = rollupBasicCases + dimensionRollupCases + rollupPropertyCases + retentionCases + rollupRobustnessCases
}

/// A conformance check that did not hold.
public struct ConformanceFailure: Error, CustomStringConvertible {
    /// What was expected and what was seen.
    public let description: String
}

/// Throws a ``ConformanceFailure`` with `message` unless `condition` holds.
func check(_ condition: Bool, _ message: @autoclosure () -> String, line: Int = #line) throws {
    if !condition { throw ConformanceFailure(description: "line \(line): \(message())") }
}
/// Test fixtures shared by the cases.
enum Fixture {
    static let base = Timestamp(seconds: 1_764_000_000)

    static func point(_ name: String = "churn_risk_score", minute: Int, value: Double,
                      tags: [String: String] = [:], metadata: String? = nil) -> MetricPoint {
        MetricPoint(metricName: name, timestamp: base.adding(seconds: Int64(minute * 60)), value: value,
                    tags: tags, metadataJSON: metadata)
    }

    static func organization(_ name: String) -> Organization {
        Organization(id: .random(), name: name, tier: .default, createdAt: Date(timeIntervalSince1970: 1_764_000_000))
    }

    /// Reads every page of a query, following cursors.
    static func readAll(_ store: any MetricStore, _ query: PointQuery, organization: OrganizationID) async throws -> [StoredPoint] {
        var query = query
        var all: [StoredPoint] = []
        for _ in 0..<10_000 {
            let page = try await store.points(query, organization: organization)
            all += page.points
            guard let next = page.nextCursor else { return all }
            query.after = next
        }
        throw ConformanceFailure(description: "pagination did not terminate")
    }
}
