public import ChurnGuardCore

/// Hourly and daily rollups of every series (organization and metric), the same per value of
/// each configured dimension tag (``RollupDimensions``), and tiered retention.
///
/// Rollups are incremental. A backend keeps a *watermark*: the highest point sequence already
/// folded into the rollups. ``rollUp(maxPoints:)`` reads only points past it, in sequence
/// order, merges their partial summaries into the hour and day buckets they fall in (late
/// points included: they simply carry a newer sequence) and advances the watermark, all in one
/// transaction. A committed state is therefore always exact: every rollup row summarises
/// precisely the points of its bucket with a sequence at or below the watermark. Every
/// method may be called concurrently; concurrent `rollUp` calls never fold a point twice.
///
/// One series never stops another: a bucket whose merged summary would not be finite (only
/// possible with values stored before the ±1e100 bound, or a backend fault) is not written;
/// the run still commits every other bucket and advances the watermark, and reports the
/// refused bucket in ``RollupRun/rejected`` for the caller to log and count.
public protocol RollupStore: Sendable {
    /// Folds at most `maxPoints` points past the watermark into the rollups and into the
    /// dimension rollups of `dimensions` (values past the cap grouped as `other`, in point
    /// sequence order), in one transaction (cancelled or failed: nothing of it is committed).
    /// - Returns: how many points were read past the watermark (0 when the rollups are up to
    ///   date) and the buckets that were refused.
    /// - Throws: ``StoreError`` when the backend fails.
    func foldNewPoints(maxPoints: Int, dimensions: RollupDimensions) async throws -> RollupRun

    /// The rollup buckets of one metric of `organization` at `resolution` whose start lies in
    /// `[from, to)`, oldest first, at most `limit` of them.
    func rollups(
        metricName: String, resolution: RollupResolution, from: Timestamp?, to: Timestamp?,
        limit: Int, organization: OrganizationID
    ) async throws -> [RollupBucket]

    /// The dimension rollup buckets of one metric of `organization` broken down by
    /// `dimension` at `resolution`, whose start lies in `[from, to)`, ordered by group value
    /// and then oldest first, at most `limit` of them in all.
    func dimensionRollups(
        metricName: String, dimension: String, resolution: RollupResolution, from: Timestamp?, to: Timestamp?,
        limit: Int, organization: OrganizationID
    ) async throws -> [DimensionRollupBucket]

    /// Deletes at most `limit` rows of `tier` older than `cutoff`, in one short transaction.
    /// The hourly and daily tiers cover the dimension rollups too (per-metric rows first).
    /// Raw points are deleted only once folded into the rollups (sequence ≤ watermark), and
    /// the per-metric catalog is kept exact. A backend that stores raw points in time
    /// partitions may first drop whole expired partitions, beyond `limit`, since that costs
    /// no row work.
    /// - Returns: how many rows were deleted; fewer than `limit` means the tier is clean.
    func expire(_ tier: RetentionTier, before cutoff: Timestamp, limit: Int) async throws -> Int

    /// Counts describing the pipeline's state, for the maintenance log and tests.
    func rollupStatistics() async throws -> RollupStatistics
}

extension RollupStore {
    /// ``foldNewPoints(maxPoints:dimensions:)`` with the default breakdown (``RollupDimensions/standard``).
    public func foldNewPoints(maxPoints: Int) async throws -> RollupRun {
        try await foldNewPoints(maxPoints: maxPoints, dimensions: .standard)
    }

    /// ``foldNewPoints(maxPoints:dimensions:)``, answering only how many points were read.
    public func rollUp(maxPoints: Int, dimensions: RollupDimensions = .standard) async throws -> Int {
        try await foldNewPoints(maxPoints: maxPoints, dimensions: dimensions).folded
    }
}

/// What one ``RollupStore/foldNewPoints(maxPoints:dimensions:)`` call did.
public struct RollupRun: Sendable, Equatable {
    /// Points read past the watermark (the watermark moved past all of them).
    public var folded: Int
    /// Buckets left as they were because merging would have made them non-finite.
    public var rejected: [RejectedRollupBucket]

    /// Creates a run's result.
    public init(folded: Int, rejected: [RejectedRollupBucket] = []) {
        self.folded = folded
        self.rejected = rejected
    }
}

/// A rollup bucket a run refused to write, named for the log.
public struct RejectedRollupBucket: Sendable, Hashable {
    /// Whose series it is.
    public var organization: String
    /// The metric.
    public var metricName: String
    /// Hour or day.
    public var resolution: RollupResolution
    /// The bucket's start.
    public var bucket: Timestamp
    /// The dimension and group of a dimension rollup bucket; `nil` for a per-metric bucket.
    public var dimension: String?
    /// The group value of a dimension rollup bucket.
    public var dimensionValue: String?

    /// Creates a description of a refused bucket.
    public init(organization: String, metricName: String, resolution: RollupResolution, bucket: Timestamp,
                dimension: String? = nil, dimensionValue: String? = nil) {
        self.organization = organization
        self.metricName = metricName
        self.resolution = resolution
        self.bucket = bucket
        self.dimension = dimension
        self.dimensionValue = dimensionValue
    }
}

/// A tier of stored data with its own retention period.
public enum RetentionTier: String, Sendable, CaseIterable {
    /// Raw points (`time_series_data`).
    case raw
    /// Hourly rollups.
    case hourly
    /// Daily rollups.
    case daily
}

/// The state of the rollup pipeline.
public struct RollupStatistics: Sendable, Equatable {
    /// Highest point sequence folded into the rollups.
    public var watermark: Int64
    /// Points stored past the watermark, waiting for the next run.
    public var pendingPoints: Int64
    /// Hourly rollup rows stored.
    public var hourlyBuckets: Int64
    /// Daily rollup rows stored.
    public var dailyBuckets: Int64

    /// Creates statistics.
    public init(watermark: Int64, pendingPoints: Int64, hourlyBuckets: Int64, dailyBuckets: Int64) {
        self.watermark = watermark
        self.pendingPoints = pendingPoints
        self.hourlyBuckets = hourlyBuckets
        self.dailyBuckets = dailyBuckets
    }
}
