public import ChurnGuardCore
public import Foundation

/// A complete backend in memory, for tests and throwaway runs; loses everything on exit.
public actor InMemoryStore: MetricStore, OrganizationStore, StoreLifecycle, RollupStore {
    var series: [OrganizationID: [String: [StoredPoint]]] = [:]
    private var nextSequence: Int64 = 1
    /// Rollup rows, watermark and the points not yet folded in (see InMemoryStore+Rollups).
    var rollupState = InMemoryRollupState()
    private var organizations: [OrganizationID: Organization] = [:]
    private var keys: [String: ApiKeyRecord] = [:]
    /// Idempotency keys by organization and key: body hash, points accepted, when stored.
    var idempotency: [OrganizationID: [String: (hash: [UInt8], accepted: Int, at: Timestamp)]] = [:]
    /// Alert rules, alerts and their history (see InMemoryStore+Alerts).
    var alertState = InMemoryAlertState()
    /// Notification routes and the outbox (see InMemoryStore+Notifications).
    var notificationState = InMemoryNotificationState()
    /// Anomalies and the monitor's series states (see InMemoryStore+Anomalies).
    var anomalyState = InMemoryAnomalyState()
    /// The anomaly monitors' bucket leases (see InMemoryStore+AnomalyLeases).
    var monitorLeaseState = InMemoryMonitorLeaseState()
    /// Insights by organization and id (see InMemoryStore+Insights).
    var insightState: [OrganizationID: [String: Insight]] = [:]
    var recommendationState: [OrganizationID: [String: Recommendation]] = [:]
    var failure: StoreError?

    /// An empty store.
    public init() {}

    /// Makes every later call fail with `error` (or succeed again with `nil`), to test
    /// how callers behave when a backend goes down.
    public func simulateFailure(_ error: StoreError?) { failure = error }

    @discardableResult
    public func append(_ batches: [PointBatch]) async throws -> [AppendOutcome] {
        if let failure { throw failure }
        var outcomes: [AppendOutcome] = []
        let now = Timestamp(Date())
        for batch in batches {
            if let claim = batch.idempotency {
                if let earlier = idempotency[batch.organization]?[claim.key] {
                    outcomes.append(earlier.hash == claim.bodyHash ? .replayed(accepted: earlier.accepted) : .keyReused)
                    continue
                }
                idempotency[batch.organization, default: [:]][claim.key] = (claim.bodyHash, batch.points.count, now)
            }
            outcomes.append(.stored)
            for point in batch.points {
                let stored = StoredPoint(sequence: nextSequence, point: point)
                nextSequence += 1
                rollupState.unrolled.append((batch.organization, stored))
                // Mutated in place through the subscripts: copying the series out and back
                // would make every insert O(series length).
                let key = (stored.point.timestamp, stored.sequence)
                let position = series[batch.organization]?[point.metricName].flatMap { list in
                    list.last.map { ($0.point.timestamp, $0.sequence) > key } == true
                        ? list.partitioningIndex { ($0.point.timestamp, $0.sequence) > key } : nil
                }
                if let position {
                    series[batch.organization, default: [:]][point.metricName, default: []].insert(stored, at: position)
                } else {
                    series[batch.organization, default: [:]][point.metricName, default: []].append(stored)
                }
            }
        }
        return outcomes
    }

    public func expireIdempotencyKeys(before cutoff: Timestamp) async throws -> Int {
        if let failure { throw failure }
        var removed = 0
        for (organization, keys) in idempotency {
            let kept = keys.filter { $0.value.at >= cutoff }
            removed += keys.count - kept.count
            idempotency[organization] = kept
        }
        return removed
    }

    public func points(_ query: PointQuery, organization: OrganizationID) async throws -> PointPage {
        if let failure { throw failure }
        let after = try query.after.map { cursor throws(StoreError) in try SequenceCursor(cursor) }
        let all = series[organization]?[query.metricName] ?? []
        var selected: [StoredPoint] = []
        let limit = max(1, query.limit)
        var examined = 0
        var lastExamined: StoredPoint?
        for stored in all {
            if let from = query.from, stored.point.timestamp < from { continue }
            if let to = query.to, stored.point.timestamp >= to { break }
            if let after, !after.precedes(stored) { continue }
            if examined == max(1, query.scanLimit), let lastExamined {
                // The scan bound: the page so far, resuming after the last point examined
                // (or after the last one returned, when the page is full).
                let resume = selected.count == limit ? selected[selected.count - 1] : lastExamined
                return PointPage(points: selected, nextCursor: SequenceCursor(after: resume).cursor)
            }
            examined += 1
            lastExamined = stored
            if !query.tags.allSatisfy({ stored.point.tags[$0.key] == $0.value }) { continue }
            if selected.count == limit {
                let last = selected[selected.count - 1]
                return PointPage(points: selected, nextCursor: SequenceCursor(after: last).cursor)
            }
            selected.append(stored)
        }
        return PointPage(points: selected, nextCursor: nil)
    }

    public func metrics(organization: OrganizationID) async throws -> [MetricSummary] {
        if let failure { throw failure }
        return (series[organization] ?? [:]).compactMap { name, points in
            guard let first = points.first, let last = points.last else { return nil }
            return MetricSummary(metricName: name, points: Int64(points.count),
                                 firstTimestamp: first.point.timestamp, lastTimestamp: last.point.timestamp)
        }.sorted { $0.metricName < $1.metricName }
    }

    public func createOrganization(_ organization: Organization) async throws {
        if let failure { throw failure }
        guard !organizations.values.contains(where: { $0.name == organization.name }) else {
            throw StoreError.conflict("an organization named '\(organization.name)' already exists")
        }
        organizations[organization.id] = organization
    }

    public func organization(id: OrganizationID) async throws -> Organization? {
        if let failure { throw failure }
        return organizations[id]
    }

    public func organization(named name: String) async throws -> Organization? {
        if let failure { throw failure }
        return organizations.values.first { $0.name == name }
    }

    public func allOrganizations() async throws -> [Organization] {
        if let failure { throw failure }
        return organizations.values.sorted { $0.name < $1.name }
    }

    public func createApiKey(_ record: ApiKeyRecord) async throws {
        if let failure { throw failure }
        guard keys[record.id] == nil else { throw StoreError.conflict("key identifier already exists") }
        keys[record.id] = record
    }

    public func apiKey(id: String) async throws -> ApiKeyRecord? {
        if let failure { throw failure }
        return keys[id]
    }

    public func apiKeys(organization: OrganizationID) async throws -> [ApiKeyRecord] {
        if let failure { throw failure }
        return keys.values.filter { $0.organizationID == organization }.sorted { ($0.createdAt, $0.id) > ($1.createdAt, $1.id) }
    }

    public func revokeApiKey(id: String, at date: Date) async throws -> Bool {
        if let failure { throw failure }
        guard var record = keys[id], record.revokedAt == nil else { return false }
        record.revokedAt = date
        keys[id] = record
        return true
    }

    public func migrate() async throws -> [String] { [] }

    public func migrationStatus() async throws -> MigrationStatus {
        MigrationStatus(backend: "memory", entries: [], databaseVersion: 0)
    }

    public func checkReady() async throws {
        if let failure { throw failure }
    }
}

extension Array {
    /// The first index whose element satisfies `belongsInSecondPartition`, for a collection
    /// already partitioned by it (binary search).
    func partitioningIndex(where belongsInSecondPartition: (Element) -> Bool) -> Int {
        var low = 0
        var high = count
        while low < high {
            let middle = (low + high) / 2
            if belongsInSecondPartition(self[middle]) { high = middle } else { low = middle + 1 }
        }
        return low
    }
}
