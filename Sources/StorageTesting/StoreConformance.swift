public import ChurnGuardStorage
import ChurnGuardCore
import Foundation

/// The behaviour every backend must show, run by each backend's tests against a fresh,
/// migrated store: the same cases for the in-memory, SQLite and later server backends.
public enum StoreConformance {
    /// One named check.
    public struct Case: Sendable, CustomStringConvertible {
        /// Short name, shown by the test runner.
        public let name: String
        /// Runs the check against a fresh store; throws ``ConformanceFailure`` on a mismatch.
        public let run: @Sendable (any AnalyticsStore) async throws -> Void
        public var description: String { name }
    }

    /// Every case.
    public static let cases: [Case] = pointCases + organizationCases + rollupCases + robustnessCases
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
    static func readAll(_ store: any AnalyticsStore, _ query: PointQuery, organization: OrganizationID) async throws -> [StoredPoint] {
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
