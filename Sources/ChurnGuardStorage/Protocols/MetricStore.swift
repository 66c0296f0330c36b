public import ChurnGuardCore

/// The points role: durable, tenant-scoped storage of metric points, the source of truth
/// everything else can be rebuilt from. Every method may be called concurrently.
///
/// What every implementation promises (checked by `StoreConformance.pointCases`):
/// - **Append-only, duplicates kept.** Every appended point is kept, including several points
///   of the same series (metric and tags) at the same timestamp: each gets its own sequence;
///   nothing is overwritten or merged. A backend whose storage overwrites points with equal
///   series and time (as InfluxDB does) must make them distinct, or fail the suite.
/// - **All or nothing.** One ``append(_:)`` call commits every batch or none.
/// - **Idempotent batches.** A batch with an ``IdempotencyClaim`` stores its key in the same
///   transaction as its points; a later batch of the organization with the same key stores
///   nothing and is reported ``AppendOutcome/replayed(accepted:)`` (same body hash) or
///   ``AppendOutcome/keyReused`` (another body), within one call or across calls, until the
///   key expires (``expireIdempotencyKeys(before:)``).
/// - **Stable pages.** Pages run in (timestamp, insertion order); a ``PointCursor`` is opaque
///   text only the backend that made it can read (another backend's cursor, or a made-up one,
///   is ``StoreError/invalidCursor``), and paging under concurrent inserts neither repeats nor
///   skips a point that was stored before the first page was read.
/// - **Tenant scope.** A read never returns another organization's point.
public protocol MetricStore: Sendable {
    /// Commits every batch in one transaction, all or nothing, and returns only once the
    /// data is durable. The ingest pipeline groups concurrent requests into one call.
    /// - Returns: one outcome per batch, in order (``AppendOutcome/stored`` unless an
    ///   idempotency key was used before).
    /// - Throws: ``StoreError`` when the backend fails; then nothing of the call is stored.
    @discardableResult
    func append(_ batches: [PointBatch]) async throws -> [AppendOutcome]

    /// Forgets idempotency keys stored before `cutoff` (the worker's maintenance); returns how
    /// many were removed.
    func expireIdempotencyKeys(before cutoff: Timestamp) async throws -> Int

    /// One page of one metric's points of `organization`, oldest first.
    func points(_ query: PointQuery, organization: OrganizationID) async throws -> PointPage

    /// Every metric `organization` has stored, by name.
    func metrics(organization: OrganizationID) async throws -> [MetricSummary]
}
