public import ChurnGuardCore

/// The anomalies role in memory: anomalies by id, series states by organization and series key.
struct InMemoryAnomalyState {
    var anomalies: [String: Anomaly] = [:]
    var series: [OrganizationID: [String: AnomalySeriesState]] = [:]
}

extension InMemoryStore: AnomalyStore {
    public func anomalySeriesStates(metricName: String, organization: OrganizationID) async throws -> [AnomalySeriesState] {
        if let failure { throw failure }
        return (anomalyState.series[organization] ?? [:]).values.filter { $0.metricName == metricName }
            .sorted { $0.seriesKey < $1.seriesKey }
            .map { state in var read = state; read.previousCheckpoint = state.checkpoint; return read }
    }

    public func commitMonitorRun(anomalies: [Anomaly], states: [AnomalySeriesState], organization: OrganizationID) async throws {
        if let failure { throw failure }
        for state in states where anomalyState.series[organization]?[state.seriesKey]?.checkpoint != state.previousCheckpoint {
            throw StoreError.conflict("the checkpoint of \(state.seriesKey) moved")
        }
        for anomaly in anomalies {
            if let existing = anomalyState.anomalies[anomaly.id], existing.organization != organization {
                throw StoreError.conflict("anomaly id \(anomaly.id) exists")
            }
        }
        for var anomaly in anomalies {
            anomaly.organization = organization
            if let existing = anomalyState.anomalies[anomaly.id] {
                anomaly.status = existing.status
                anomaly.feedbackComment = existing.feedbackComment
                anomaly.feedbackAt = existing.feedbackAt
                anomaly.detectedAt = existing.detectedAt
                anomaly.parentID = existing.parentID
                anomaly.relatedIDs = existing.relatedIDs
            }
            anomalyState.anomalies[anomaly.id] = anomaly
        }
        for var state in states {
            state.tuning = anomalyState.series[organization]?[state.seriesKey]?.tuning ?? AnomalySeriesTuning()
            state.previousCheckpoint = nil
            anomalyState.series[organization, default: [:]][state.seriesKey] = state
        }
    }

    public func linkAnomalies(parentID: String, childIDs: [String], organization: OrganizationID) async throws -> Int {
        if let failure { throw failure }
        var changed = 0
        var linked: [String] = []
        for id in Set(childIDs).subtracting([parentID]).sorted() {
            guard var child = anomalyState.anomalies[id], child.organization == organization else { continue }
            linked.append(id)
            if child.parentID == nil {
                child.parentID = parentID
                anomalyState.anomalies[id] = child
                changed += 1
            }
        }
        if var parent = anomalyState.anomalies[parentID], parent.organization == organization {
            let merged = Set(parent.relatedIDs).union(linked)
            if merged != Set(parent.relatedIDs) {
                parent.relatedIDs = merged.sorted()
                anomalyState.anomalies[parentID] = parent
                changed += 1
            }
        }
        return changed
    }

    public func anomaly(id: String, organization: OrganizationID) async throws -> Anomaly? {
        if let failure { throw failure }
        return anomalyState.anomalies[id].flatMap { $0.organization == organization ? $0 : nil }
    }

    public func anomalies(_ query: AnomalyQuery, organization: OrganizationID) async throws -> AnomalyPage {
        if let failure { throw failure }
        let limit = max(1, query.limit)
        let rows = anomalyState.anomalies.values
            .filter { $0.organization == organization && query.matches($0) && (query.after?.precedes($0) ?? true) }
            .sorted { ($0.startedAt, $0.id) > ($1.startedAt, $1.id) }
            .prefix(limit + 1)
        return AnomalyPage.assemble(Array(rows), limit: limit)
    }

    public func recordAnomalyFeedback(id: String, organization: OrganizationID, feedback: AnomalyFeedbackKind, comment: String?,
                                      at time: Timestamp, tuning: AnomalySeriesTuning) async throws -> Anomaly? {
        if let failure { throw failure }
        guard var anomaly = anomalyState.anomalies[id], anomaly.organization == organization else { return nil }
        anomaly.status = AnomalyStatus(feedback)
        anomaly.feedbackComment = comment
        anomaly.feedbackAt = time
        anomaly.updatedAt = time
        anomalyState.anomalies[id] = anomaly
        var state = anomalyState.series[organization]?[anomaly.seriesKey]
            ?? AnomalySeriesState(metricName: anomaly.metricName, tags: anomaly.tags, level: anomaly.level)
        state.tuning = tuning
        anomalyState.series[organization, default: [:]][anomaly.seriesKey] = state
        return anomaly
    }

    public func anomalyStatusCounts(organization: OrganizationID) async throws -> [AnomalyStatus: Int] {
        if let failure { throw failure }
        var counts: [AnomalyStatus: Int] = [:]
        for anomaly in anomalyState.anomalies.values where anomaly.organization == organization { counts[anomaly.status, default: 0] += 1 }
        return counts
    }
}
