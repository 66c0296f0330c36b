public import ChurnGuardCore
public import ChurnGuardStorage
public import Logging

extension RealtimeEngine {
    /// What a start-up rebuild read.
    public struct RebuildReport: Sendable, Equatable {
        /// Organizations whose windows were rebuilt.
        public var organizations = 0
        /// Metrics read.
        public var metrics = 0
        /// Points folded.
        public var points = 0
        /// Metrics whose read stopped at the per-metric budget.
        public var truncatedMetrics = 0
        /// Organizations whose rebuild failed (logged; the others are rebuilt all the same).
        public var failedOrganizations = 0
    }

    /// Rebuilds the windows from the store's recent points: for each organization and
    /// metric, the points of the last ``RealtimeOptions/rebuildHorizonSeconds`` before the
    /// metric's newest point, oldest first, at most ``RealtimeOptions/rebuildMaxPointsPerMetric``
    /// of them. Run before the server accepts ingest (so no commit is both read here and
    /// delivered by the bus); one organization's failure is logged and does not stop the others.
    public func rebuild(from store: any MetricStore, organizations: [OrganizationID], now: Int64,
                        logger: Logger) async -> RebuildReport {
        var report = RebuildReport()
        for organization in organizations {
            do {
                let (metrics, points, truncated) = try await rebuild(organization, from: store, now: now)
                if metrics > 0 { report.organizations += 1 }
                report.metrics += metrics
                report.points += points
                report.truncatedMetrics += truncated
            } catch {
                report.failedOrganizations += 1
                logger.warning("real-time windows of an organization not rebuilt", metadata: [
                    "organization_id": "\(organization)", "error": "\(error)",
                ])
            }
        }
        return report
    }

    private func rebuild(_ organization: OrganizationID, from store: any MetricStore, now: Int64) async throws -> (Int, Int, Int) {
        var points = 0
        var truncated = 0
        let summaries = try await store.metrics(organization: organization)
        for summary in summaries {
            var query = PointQuery(metricName: summary.metricName,
                                   from: summary.lastTimestamp.adding(seconds: -Int64(options.rebuildHorizonSeconds)),
                                   limit: 10_000)
            var read = 0
            while true {
                try Task.checkCancellation()
                let page = try await store.points(query, organization: organization)
                fold([PointBatch(organization: organization, points: page.points.map(\.point))], now: now)
                read += page.points.count
                guard let next = page.nextCursor else { break }
                if read >= options.rebuildMaxPointsPerMetric {
                    truncated += 1
                    break
                }
                query.after = next
            }
            points += read
        }
        return (summaries.count, points, truncated)
    }
}
