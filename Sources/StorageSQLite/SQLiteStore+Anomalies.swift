public import ChurnGuardCore
public import ChurnGuardStorage
import GRDB

extension SQLiteStore: AnomalyStore {
    static let anomalyColumns = """
        id, organization_id, metric_name, tags, started_at, ended_at, peak_at, peak_value, expected_value, expected_low,
        expected_high, score, severity, anomalous_points, methods, explanation, status, feedback_comment, feedback_at,
        detected_at, updated_at, level, parent_id, related_ids
        """

    public func anomalySeriesStates(metricName: String, organization: OrganizationID) async throws -> [AnomalySeriesState] {
        try await read { db in
            try Row.fetchAll(db, sql: """
                SELECT metric_name, tags, checkpoint_time, checkpoint_sequence, open_anomaly_id, quiet_rows, sensitivity_factor,
                       baseline_from, level
                FROM anomaly_series WHERE organization_id = ? AND metric_name = ? ORDER BY series_key
                """, arguments: [organization.description, metricName]).map { row in
                    let checkpoint = (row[2] as Int64?).flatMap { time in
                        (row[3] as Int64?).map { SequenceCursor(timestamp: Timestamp(microseconds: time), sequence: $0) }
                    }
                    return AnomalySeriesState(
                        metricName: row[0], tags: JSONText.decodeStringObject(row[1]) ?? [:], checkpoint: checkpoint,
                        previousCheckpoint: checkpoint, openAnomalyID: row[4], quietRows: row[5],
                        tuning: AnomalySeriesTuning(sensitivityFactor: row[6],
                                                    baselineFrom: (row[7] as Int64?).map(Timestamp.init(microseconds:))),
                        level: AnomalyLevel(rawValue: row[8]) ?? .customer)
                }
        }
    }

    public func commitMonitorRun(anomalies: [Anomaly], states: [AnomalySeriesState], organization: OrganizationID) async throws {
        let org = organization.description
        try await write { db in
            for state in states {
                let row = try Row.fetchOne(db, sql: """
                    SELECT checkpoint_time, checkpoint_sequence FROM anomaly_series WHERE organization_id = ? AND series_key = ?
                    """, arguments: [org, state.seriesKey])
                let stored = row.flatMap { row in
                    (row[0] as Int64?).flatMap { time in
                        (row[1] as Int64?).map { SequenceCursor(timestamp: Timestamp(microseconds: time), sequence: $0) }
                    }
                }
                guard stored == state.previousCheckpoint else {
                    throw StoreError.conflict("the checkpoint of \(state.seriesKey) moved")
                }
                try db.execute(sql: """
                    INSERT INTO anomaly_series (organization_id, series_key, metric_name, tags, checkpoint_time, checkpoint_sequence,
                                                open_anomaly_id, quiet_rows, level, updated_at)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, strftime('%s', 'now') * 1000000)
                    ON CONFLICT(organization_id, series_key) DO UPDATE SET checkpoint_time = excluded.checkpoint_time,
                        checkpoint_sequence = excluded.checkpoint_sequence, open_anomaly_id = excluded.open_anomaly_id,
                        quiet_rows = excluded.quiet_rows, updated_at = excluded.updated_at
                    """, arguments: [org, state.seriesKey, state.metricName, JSONText.encodeObject(state.tags),
                                     state.checkpoint?.timestamp.microseconds, state.checkpoint?.sequence, state.openAnomalyID,
                                     state.quietRows, state.level.rawValue])
            }
            for anomaly in anomalies {
                if let owner = try String.fetchOne(db, sql: "SELECT organization_id FROM anomalies WHERE id = ?", arguments: [anomaly.id]),
                   owner != org {
                    throw StoreError.conflict("anomaly id \(anomaly.id) exists")
                }
                try db.execute(sql: """
                    INSERT INTO anomalies (id, organization_id, series_key, metric_name, tags, started_at, ended_at, peak_at, peak_value,
                                           expected_value, expected_low, expected_high, score, severity, anomalous_points, methods,
                                           explanation, status, feedback_comment, feedback_at, detected_at, updated_at, level, parent_id,
                                           related_ids)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                    ON CONFLICT(id) DO UPDATE SET ended_at = excluded.ended_at, peak_at = excluded.peak_at,
                        peak_value = excluded.peak_value, expected_value = excluded.expected_value,
                        expected_low = excluded.expected_low, expected_high = excluded.expected_high, score = excluded.score,
                        severity = excluded.severity, anomalous_points = excluded.anomalous_points, methods = excluded.methods,
                        explanation = excluded.explanation, updated_at = excluded.updated_at
                    """, arguments: [
                        anomaly.id, org, anomaly.seriesKey, anomaly.metricName, JSONText.encodeObject(anomaly.tags),
                        anomaly.startedAt.microseconds, anomaly.endedAt.microseconds, anomaly.peakAt.microseconds, anomaly.peakValue,
                        anomaly.expectedValue, anomaly.expectedLow, anomaly.expectedHigh, anomaly.score, anomaly.severity.rawValue,
                        anomaly.anomalousPoints, AnomalyMethodScore.encode(anomaly.methods), anomaly.explanation,
                        anomaly.status.rawValue, anomaly.feedbackComment, anomaly.feedbackAt?.microseconds,
                        anomaly.detectedAt.microseconds, anomaly.updatedAt.microseconds, anomaly.level.rawValue, anomaly.parentID,
                        Anomaly.encodeRelated(anomaly.relatedIDs),
                    ])
            }
        }
    }

    public func anomaly(id: String, organization: OrganizationID) async throws -> Anomaly? {
        try await read { db in
            try Row.fetchOne(db, sql: "SELECT \(Self.anomalyColumns) FROM anomalies WHERE id = ? AND organization_id = ?",
                             arguments: [id, organization.description]).flatMap(Self.anomaly(from:))
        }
    }

    public func anomalies(_ query: AnomalyQuery, organization: OrganizationID) async throws -> AnomalyPage {
        var sql = "SELECT \(Self.anomalyColumns) FROM anomalies WHERE organization_id = ?"
        var arguments: [(any DatabaseValueConvertible)?] = [organization.description]
        if let metric = query.metricName { sql += " AND metric_name = ?"; arguments.append(metric) }
        for (key, value) in query.tags.sorted(by: { $0.key < $1.key }) {
            sql += " AND EXISTS (SELECT 1 FROM json_each(anomalies.tags) WHERE json_each.key = ? AND json_each.value = ?)"
            arguments += [key, value]
        }
        if let from = query.from { sql += " AND ended_at >= ?"; arguments.append(from.microseconds) }
        if let to = query.to { sql += " AND started_at < ?"; arguments.append(to.microseconds) }
        if !query.severities.isEmpty {
            sql += " AND severity IN (\(query.severities.map { _ in "?" }.joined(separator: ", ")))"
            arguments += query.severities.map(\.rawValue).sorted()
        }
        if !query.statuses.isEmpty {
            sql += " AND status IN (\(query.statuses.map { _ in "?" }.joined(separator: ", ")))"
            arguments += query.statuses.map(\.rawValue).sorted()
        }
        if !query.levels.isEmpty {
            sql += " AND level IN (\(query.levels.map { _ in "?" }.joined(separator: ", ")))"
            arguments += query.levels.map(\.rawValue).sorted()
        }
        if let after = query.after {
            sql += " AND (started_at < ? OR (started_at = ? AND id < ?))"
            arguments += [after.startedAt.microseconds, after.startedAt.microseconds, after.id]
        }
        let limit = max(1, query.limit)
        sql += " ORDER BY started_at DESC, id DESC LIMIT ?"
        arguments.append(limit + 1)
        let statement = sql
        let bound = StatementArguments(arguments)
        let rows = try await read { db in try Row.fetchAll(db, sql: statement, arguments: bound).compactMap(Self.anomaly(from:)) }
        return AnomalyPage.assemble(rows, limit: limit)
    }

    public func linkAnomalies(parentID: String, childIDs: [String], organization: OrganizationID) async throws -> Int {
        let org = organization.description
        let children = Set(childIDs).subtracting([parentID]).sorted()
        return try await write { db in
            var changed = 0
            var linked: [String] = []
            // In chunks, well under SQLite's limit of bound variables.
            for start in stride(from: 0, to: children.count, by: 500) {
                let chunk = Array(children[start..<min(children.count, start + 500)])
                let marks = chunk.map { _ in "?" }.joined(separator: ", ")
                linked += try String.fetchAll(db, sql: "SELECT id FROM anomalies WHERE organization_id = ? AND id IN (\(marks))",
                                              arguments: StatementArguments([org] + chunk))
                try db.execute(sql: "UPDATE anomalies SET parent_id = ? WHERE organization_id = ? AND parent_id IS NULL AND id IN (\(marks))",
                               arguments: StatementArguments([parentID, org] + chunk))
                changed += db.changesCount
            }
            if let text = try String.fetchOne(db, sql: "SELECT related_ids FROM anomalies WHERE id = ? AND organization_id = ?",
                                              arguments: [parentID, org]) {
                let current = Set(Anomaly.decodeRelated(text))
                let merged = current.union(linked)
                if merged != current {
                    try db.execute(sql: "UPDATE anomalies SET related_ids = ? WHERE id = ? AND organization_id = ?",
                                   arguments: [Anomaly.encodeRelated(merged.sorted()), parentID, org])
                    changed += 1
                }
            }
            return changed
        }
    }

    public func recordAnomalyFeedback(id: String, organization: OrganizationID, feedback: AnomalyFeedbackKind, comment: String?,
                                      at time: Timestamp, tuning: AnomalySeriesTuning) async throws -> Anomaly? {
        let org = organization.description
        return try await write { db in
            guard var anomaly = try Row.fetchOne(db, sql: "SELECT \(Self.anomalyColumns) FROM anomalies WHERE id = ? AND organization_id = ?",
                                                 arguments: [id, org]).flatMap(Self.anomaly(from:)) else { return nil }
            anomaly.status = AnomalyStatus(feedback)
            anomaly.feedbackComment = comment
            anomaly.feedbackAt = time
            anomaly.updatedAt = time
            try db.execute(sql: """
                UPDATE anomalies SET status = ?, feedback_comment = ?, feedback_at = ?, updated_at = ? WHERE id = ? AND organization_id = ?
                """, arguments: [anomaly.status.rawValue, comment, time.microseconds, time.microseconds, id, org])
            try db.execute(sql: """
                INSERT INTO anomaly_series (organization_id, series_key, metric_name, tags, sensitivity_factor, baseline_from, updated_at,
                                            level)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT(organization_id, series_key) DO UPDATE SET sensitivity_factor = excluded.sensitivity_factor,
                    baseline_from = excluded.baseline_from, updated_at = excluded.updated_at
                """, arguments: [org, anomaly.seriesKey, anomaly.metricName, JSONText.encodeObject(anomaly.tags),
                                 tuning.sensitivityFactor, tuning.baselineFrom?.microseconds, time.microseconds, anomaly.level.rawValue])
            return anomaly
        }
    }

    public func anomalyStatusCounts(organization: OrganizationID) async throws -> [AnomalyStatus: Int] {
        try await read { db in
            var counts: [AnomalyStatus: Int] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT status, COUNT(*) FROM anomalies WHERE organization_id = ? GROUP BY status",
                                        arguments: [organization.description]) {
                if let status = AnomalyStatus(rawValue: row[0]) { counts[status] = row[1] }
            }
            return counts
        }
    }

    static func anomaly(from row: Row) -> Anomaly? {
        guard let organization = OrganizationID(row[1] as String), let severity = AnomalySeverity(rawValue: row[12]),
              let status = AnomalyStatus(rawValue: row[16]) else { return nil }
        return Anomaly(
            id: row[0], organization: organization, metricName: row[2], tags: JSONText.decodeStringObject(row[3]) ?? [:],
            startedAt: Timestamp(microseconds: row[4]), endedAt: Timestamp(microseconds: row[5]), peakAt: Timestamp(microseconds: row[6]),
            peakValue: row[7], expectedValue: row[8], expectedLow: row[9], expectedHigh: row[10], score: row[11], severity: severity,
            anomalousPoints: row[13], methods: AnomalyMethodScore.decode(row[14]), explanation: row[15], status: status,
            feedbackComment: row[17], feedbackAt: (row[18] as Int64?).map(Timestamp.init(microseconds:)),
            detectedAt: Timestamp(microseconds: row[19]), updatedAt: Timestamp(microseconds: row[20]),
            level: AnomalyLevel(rawValue: row[21]) ?? .customer, parentID: row[22], relatedIDs: Anomaly.decodeRelated(row[23]))
    }
}
