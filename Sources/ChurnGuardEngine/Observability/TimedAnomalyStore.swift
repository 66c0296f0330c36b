import ChurnGuardCore
import ChurnGuardStorage
import Metrics

/// The anomalies role with every call timed (`query_type` `select_anomalies` /
/// `write_anomalies`), as ``TimedAlertStore`` does for alerts.
struct TimedAnomalyStore: AnomalyStore {
    let base: any AnomalyStore
    let select: Timer
    let write: Timer

    init(base: any AnomalyStore, factory: any MetricsFactory) {
        self.base = base
        select = Timer(label: MetricNames.databaseQueryDuration, dimensions: [("query_type", "select_anomalies")], factory: factory)
        write = Timer(label: MetricNames.databaseQueryDuration, dimensions: [("query_type", "write_anomalies")], factory: factory)
    }

    func anomalySeriesStates(metricName: String, organization: OrganizationID) async throws -> [AnomalySeriesState] {
        try await timed(select) { try await base.anomalySeriesStates(metricName: metricName, organization: organization) }
    }

    func commitMonitorRun(anomalies: [Anomaly], states: [AnomalySeriesState], organization: OrganizationID) async throws {
        try await timed(write) { try await base.commitMonitorRun(anomalies: anomalies, states: states, organization: organization) }
    }

    func linkAnomalies(parentID: String, childIDs: [String], organization: OrganizationID) async throws -> Int {
        try await timed(write) { try await base.linkAnomalies(parentID: parentID, childIDs: childIDs, organization: organization) }
    }

    func anomaly(id: String, organization: OrganizationID) async throws -> Anomaly? {
        try await timed(select) { try await base.anomaly(id: id, organization: organization) }
    }

    func anomalies(_ query: AnomalyQuery, organization: OrganizationID) async throws -> AnomalyPage {
        try await timed(select) { try await base.anomalies(query, organization: organization) }
    }

    func recordAnomalyFeedback(id: String, organization: OrganizationID, feedback: AnomalyFeedbackKind, comment: String?,
                               at time: Timestamp, tuning: AnomalySeriesTuning) async throws -> Anomaly? {
        try await timed(write) {
            try await base.recordAnomalyFeedback(id: id, organization: organization, feedback: feedback, comment: comment, at: time,
                                                 tuning: tuning)
        }
    }

    func anomalyStatusCounts(organization: OrganizationID) async throws -> [AnomalyStatus: Int] {
        try await timed(select) { try await base.anomalyStatusCounts(organization: organization) }
    }
}
