public import ChurnGuardCore

/// The rollup side of ``InMemoryStore``: rows per resolution, the watermark, and the points
/// appended since the last run (in sequence order, so a run never scans old points).
struct InMemoryRollupState {
    struct Key: Hashable {
        let organization: OrganizationID
        let metric: String
        let bucket: Int64
    }

    typealias DimensionKey = DimensionRollupDelta<OrganizationID>.Key
    typealias DimensionScope = DimensionRollupDelta<OrganizationID>.Scope

    var hourly: [Key: RollupAggregate] = [:]
    var daily: [Key: RollupAggregate] = [:]
    var dimensionHourly: [DimensionKey: RollupAggregate] = [:]
    var dimensionDaily: [DimensionKey: RollupAggregate] = [:]
    /// Values with a group of their own, per organization and dimension.
    var admittedValues: [DimensionScope: Set<String>] = [:]
    var watermark: Int64 = 0
    var unrolled: [(OrganizationID, StoredPoint)] = []
    var unrolledHead = 0

    var pendingCount: Int { unrolled.count - unrolledHead }
}

extension InMemoryStore {
    public func foldNewPoints(maxPoints: Int, dimensions: RollupDimensions) async throws -> RollupRun {
        if let failure { throw failure }
        let end = min(rollupState.unrolled.count, rollupState.unrolledHead + max(1, maxPoints))
        let taken = end - rollupState.unrolledHead
        guard taken > 0 else { return RollupRun(folded: 0) }
        var hourly: [InMemoryRollupState.Key: RollupAggregate] = [:]
        var daily: [InMemoryRollupState.Key: RollupAggregate] = [:]
        var groups = DimensionRollupDelta<OrganizationID>(dimensions: dimensions)
        for index in rollupState.unrolledHead..<end {
            let (organization, stored) = rollupState.unrolled[index]
            groups.add(organization: organization, metric: stored.point.metricName, timestamp: stored.point.timestamp.microseconds,
                       value: stored.point.value) { stored.point.tags[$0] }
            for resolution in RollupResolution.allCases {
                let bucket = resolution.bucketStart(of: stored.point.timestamp).microseconds
                let key = InMemoryRollupState.Key(organization: organization, metric: stored.point.metricName, bucket: bucket)
                switch resolution {
                case .hour: hourly[key, default: RollupAggregate()].add(stored.point.value)
                case .day: daily[key, default: RollupAggregate()].add(stored.point.value)
                }
            }
            rollupState.watermark = max(rollupState.watermark, stored.sequence)
        }
        var rejected = Self.merge(hourly, into: &rollupState.hourly, rejection: Self.rejection(.hour))
        rejected += Self.merge(daily, into: &rollupState.daily, rejection: Self.rejection(.day))
        let resolved = groups.resolve(admitted: rollupState.admittedValues)
        for (scope, values) in resolved.admitted { rollupState.admittedValues[scope, default: []].formUnion(values) }
        rejected += Self.merge(resolved.hourly, into: &rollupState.dimensionHourly, rejection: Self.rejection(.hour))
        rejected += Self.merge(resolved.daily, into: &rollupState.dimensionDaily, rejection: Self.rejection(.day))
        rollupState.unrolledHead = end
        if rollupState.unrolledHead > 4096, rollupState.unrolledHead * 2 > rollupState.unrolled.count {
            rollupState.unrolled.removeFirst(rollupState.unrolledHead)
            rollupState.unrolledHead = 0
        }
        return RollupRun(folded: taken, rejected: rejected)
    }

    /// Merges a run's partial summaries into the stored rows, leaving a bucket as it was
    /// when the merge would not be finite (as every backend must); returns those buckets,
    /// each described by `rejection` (per-metric and per-dimension rows alike).
    private static func merge<Key: Hashable>(_ fresh: [Key: RollupAggregate], into rows: inout [Key: RollupAggregate],
                                             rejection: (Key) -> RejectedRollupBucket) -> [RejectedRollupBucket] {
        var rejected: [RejectedRollupBucket] = []
        for (key, aggregate) in fresh {
            let merged = (rows[key] ?? RollupAggregate()).merging(aggregate)
            if merged.isFinite {
                rows[key] = merged
            } else {
                rejected.append(rejection(key))
            }
        }
        return rejected
    }

    private static func rejection(_ resolution: RollupResolution) -> (InMemoryRollupState.Key) -> RejectedRollupBucket {
        { key in RejectedRollupBucket(organization: key.organization.description, metricName: key.metric, resolution: resolution,
                                      bucket: Timestamp(microseconds: key.bucket)) }
    }

    private static func rejection(_ resolution: RollupResolution) -> (InMemoryRollupState.DimensionKey) -> RejectedRollupBucket {
        { key in RejectedRollupBucket(organization: key.organization.description, metricName: key.metric, resolution: resolution,
                                      bucket: Timestamp(microseconds: key.bucket), dimension: key.dimension, dimensionValue: key.value) }
    }

    public func dimensionRollups(
        metricName: String, dimension: String, resolution: RollupResolution, from: Timestamp?, to: Timestamp?,
        limit: Int, organization: OrganizationID
    ) async throws -> [DimensionRollupBucket] {
        if let failure { throw failure }
        let rows = resolution == .hour ? rollupState.dimensionHourly : rollupState.dimensionDaily
        let lower = from?.microseconds ?? .min
        let upper = to?.microseconds ?? .max
        return rows.compactMap { key, aggregate -> DimensionRollupBucket? in
            guard key.organization == organization, key.metric == metricName, key.dimension == dimension,
                  key.bucket >= lower, key.bucket < upper else { return nil }
            return DimensionRollupBucket(value: key.value, start: Timestamp(microseconds: key.bucket), aggregate: aggregate)
        }
        .sorted { ($0.value, $0.start) < ($1.value, $1.start) }
        .prefix(max(0, limit))
        .map { $0 }
    }

    public func rollups(
        metricName: String, resolution: RollupResolution, from: Timestamp?, to: Timestamp?,
        limit: Int, organization: OrganizationID
    ) async throws -> [RollupBucket] {
        if let failure { throw failure }
        let rows = resolution == .hour ? rollupState.hourly : rollupState.daily
        let lower = from?.microseconds ?? .min
        let upper = to?.microseconds ?? .max
        return rows.compactMap { key, aggregate -> RollupBucket? in
            guard key.organization == organization, key.metric == metricName,
                  key.bucket >= lower, key.bucket < upper else { return nil }
            return RollupBucket(start: Timestamp(microseconds: key.bucket), aggregate: aggregate)
        }
        .sorted { $0.start < $1.start }
        .prefix(max(0, limit))
        .map { $0 }
    }

    public func expire(_ tier: RetentionTier, before cutoff: Timestamp, limit: Int) async throws -> Int {
        if let failure { throw failure }
        var budget = max(1, limit)
        switch tier {
        case .hourly, .daily:
            let rows = tier == .hourly ? rollupState.hourly : rollupState.daily
            let expired = rows.keys.filter { $0.bucket < cutoff.microseconds }.prefix(budget)
            for key in expired {
                if tier == .hourly { rollupState.hourly[key] = nil } else { rollupState.daily[key] = nil }
            }
            budget -= expired.count
            let groupRows = tier == .hourly ? rollupState.dimensionHourly : rollupState.dimensionDaily
            let expiredGroups = budget > 0 ? Array(groupRows.keys.filter { $0.bucket < cutoff.microseconds }.prefix(budget)) : []
            for key in expiredGroups {
                if tier == .hourly { rollupState.dimensionHourly[key] = nil } else { rollupState.dimensionDaily[key] = nil }
            }
            return expired.count + expiredGroups.count
        case .raw:
            var deleted = 0
            let watermark = rollupState.watermark
            for organization in Array(series.keys) {
                for metric in Array((series[organization] ?? [:]).keys) where budget > 0 {
                    // Mutated in place (no copy of the series): only its expired prefix is visited.
                    deleted += series[organization]?[metric]?.removeExpired(before: cutoff, watermark: watermark, budget: &budget) ?? 0
                    if series[organization]?[metric]?.isEmpty == true { series[organization]?[metric] = nil }
                }
            }
            return deleted
        }
    }

    public func rollupStatistics() async throws -> RollupStatistics {
        if let failure { throw failure }
        return RollupStatistics(watermark: rollupState.watermark, pendingPoints: Int64(rollupState.pendingCount),
                                hourlyBuckets: Int64(rollupState.hourly.count), dailyBuckets: Int64(rollupState.daily.count))
    }
}

extension Array where Element == StoredPoint {
    /// Removes, from a time-ordered series, at most `budget` points older than `cutoff` whose
    /// sequence is at or below `watermark`; visits only the expired prefix. Returns the count.
    mutating func removeExpired(before cutoff: Timestamp, watermark: Int64, budget: inout Int) -> Int {
        let end = partitioningIndex { $0.point.timestamp >= cutoff }
        var kept: [StoredPoint] = []
        var removed = 0
        var index = 0
        while index < end && budget > 0 {
            if self[index].sequence <= watermark { removed += 1; budget -= 1 } else { kept.append(self[index]) }
            index += 1
        }
        replaceSubrange(0..<index, with: kept)
        return removed
    }
}
