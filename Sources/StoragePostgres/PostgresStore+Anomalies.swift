public import ChurnGuardCore
public import ChurnGuardStorage
import Foundation
import PostgresNIO

extension PostgresStore: AnomalyStore {
    static let anomalyColumns = """
        id, organization_id, metric_name, tags, started_at, ended_at, peak_at, peak_value, expected_value, expected_low, \
        expected_high, score, severity, anomalous_points, methods, explanation, status, feedback_comment, feedback_at, \
        detected_at, updated_at, level, parent_id, related_ids
        """

    public func anomalySeriesStates(metricName: String, organization: OrganizationID) async throws -> [AnomalySeriesState] {
        try await transaction(.tenant(organization)) { connection, logger in
            let rows = try await connection.query("""
                SELECT metric_name, tags, checkpoint_time, checkpoint_sequence, open_anomaly_id, quiet_rows, sensitivity_factor,
                       baseline_from, level
                FROM anomaly_series WHERE organization_id = \(organization.uuid) AND metric_name = \(metricName)
                ORDER BY series_key COLLATE "C"
                """, logger: logger)
            var states: [AnomalySeriesState] = []
            let columns = (String, String, Int64?, Int64?, String?, Int32, Double, Int64?, String).self
            for try await (metric, tags, time, sequence, open, quiet, factor, baseline, level) in rows.decode(columns) {
                let checkpoint = time.flatMap { time in sequence.map { SequenceCursor(timestamp: Timestamp(microseconds: time), sequence: $0) } }
                states.append(AnomalySeriesState(
                    metricName: metric, tags: JSONText.decodeStringObject(tags) ?? [:], checkpoint: checkpoint,
                    previousCheckpoint: checkpoint, openAnomalyID: open, quietRows: Int(quiet),
                    tuning: AnomalySeriesTuning(sensitivityFactor: factor, baselineFrom: baseline.map(Timestamp.init(microseconds:))),
                    level: AnomalyLevel(rawValue: level) ?? .customer))
            }
            return states
        }
    }

    public func commitMonitorRun(anomalies: [Anomaly], states: [AnomalySeriesState], organization: OrganizationID) async throws {
        do {
            try await commit(anomalies: anomalies, states: states, organization: organization)
        } catch StoreError.unavailable(let message) where message.hasPrefix("PostgreSQL error 42501") {
            // Another organization's row with this id is invisible under row-level security.
            throw StoreError.conflict("an anomaly id exists")
        }
    }

    private func commit(anomalies: [Anomaly], states: [AnomalySeriesState], organization: OrganizationID) async throws {
        try await transaction(.tenant(organization)) { connection, logger in
            let now = Timestamp(Date()).microseconds
            // Series rows are locked in key order, so two monitors committing overlapping
            // series wait for each other (and the second finds the checkpoint moved) instead of
            // deadlocking.
            for state in states.sorted(by: { $0.seriesKey < $1.seriesKey }) {
                let key = state.seriesKey
                let rows = try await connection.query("""
                    SELECT checkpoint_time, checkpoint_sequence FROM anomaly_series
                    WHERE organization_id = \(organization.uuid) AND series_key = \(key) FOR UPDATE
                    """, logger: logger)
                var found = false
                var stored: SequenceCursor?
                for try await (time, sequence) in rows.decode((Int64?, Int64?).self) {
                    found = true
                    stored = time.flatMap { time in sequence.map { SequenceCursor(timestamp: Timestamp(microseconds: time), sequence: $0) } }
                }
                guard stored == state.previousCheckpoint else { throw StoreError.conflict("the checkpoint of \(key) moved") }
                let tags = JSONText.encodeObject(state.tags)
                let time = state.checkpoint?.timestamp.microseconds, sequence = state.checkpoint?.sequence
                let quiet = Int32(clamping: state.quietRows)
                if found {
                    try await connection.query("""
                        UPDATE anomaly_series SET checkpoint_time = \(time), checkpoint_sequence = \(sequence),
                            open_anomaly_id = \(state.openAnomalyID), quiet_rows = \(quiet), updated_at = \(now)
                        WHERE organization_id = \(organization.uuid) AND series_key = \(key)
                        """, logger: logger)
                } else {
                    // A concurrent monitor inserting the same series first makes this insert
                    // return nothing: its progress wins, this run's is refused whole.
                    let inserted = try await connection.query("""
                        INSERT INTO anomaly_series (organization_id, series_key, metric_name, tags, checkpoint_time, checkpoint_sequence,
                                                    open_anomaly_id, quiet_rows, updated_at, level)
                        VALUES (\(organization.uuid), \(key), \(state.metricName), \(tags), \(time), \(sequence), \(state.openAnomalyID),
                                \(quiet), \(now), \(state.level.rawValue))
                        ON CONFLICT (organization_id, series_key) DO NOTHING RETURNING 1
                        """, logger: logger)
                    var ok = false
                    for try await _ in inserted.decode(Int32.self) { ok = true }
                    guard ok else { throw StoreError.conflict("the checkpoint of \(key) moved") }
                }
            }
            for anomaly in anomalies {
                let tags = JSONText.encodeObject(anomaly.tags)
                let methods = AnomalyMethodScore.encode(anomaly.methods)
                let points = Int32(clamping: anomaly.anomalousPoints)
                try await connection.query("""
                    INSERT INTO anomalies (id, organization_id, series_key, metric_name, tags, started_at, ended_at, peak_at, peak_value,
                                           expected_value, expected_low, expected_high, score, severity, anomalous_points, methods,
                                           explanation, status, feedback_comment, feedback_at, detected_at, updated_at, level, parent_id,
                                           related_ids)
                    VALUES (\(anomaly.id), \(organization.uuid), \(anomaly.seriesKey), \(anomaly.metricName), \(tags),
                            \(anomaly.startedAt.microseconds), \(anomaly.endedAt.microseconds), \(anomaly.peakAt.microseconds),
                            \(anomaly.peakValue), \(anomaly.expectedValue), \(anomaly.expectedLow), \(anomaly.expectedHigh), \(anomaly.score),
                            \(anomaly.severity.rawValue), \(points), \(methods), \(anomaly.explanation), \(anomaly.status.rawValue),
                            \(anomaly.feedbackComment), \(anomaly.feedbackAt?.microseconds), \(anomaly.detectedAt.microseconds),
                            \(anomaly.updatedAt.microseconds), \(anomaly.level.rawValue), \(anomaly.parentID),
                            \(Anomaly.encodeRelated(anomaly.relatedIDs)))
                    ON CONFLICT (id) DO UPDATE SET ended_at = excluded.ended_at, peak_at = excluded.peak_at,
                        peak_value = excluded.peak_value, expected_value = excluded.expected_value,
                        expected_low = excluded.expected_low, expected_high = excluded.expected_high, score = excluded.score,
                        severity = excluded.severity, anomalous_points = excluded.anomalous_points, methods = excluded.methods,
                        explanation = excluded.explanation, updated_at = excluded.updated_at
                    """, logger: logger)
            }
        }
    }

    public func anomaly(id: String, organization: OrganizationID) async throws -> Anomaly? {
        try await transaction(.tenant(organization)) { connection, logger in
            try await Self.anomalies(connection.query("""
                SELECT \(unescaped: Self.anomalyColumns) FROM anomalies WHERE id = \(id) AND organization_id = \(organization.uuid)
                """, logger: logger)).first
        }
    }

    public func anomalies(_ query: AnomalyQuery, organization: OrganizationID) async throws -> AnomalyPage {
        let limit = max(1, query.limit)
        let tags = JSONText.encodeObject(query.tags)
        let severities = query.severities.map(\.rawValue).sorted()
        let statuses = query.statuses.map(\.rawValue).sorted()
        let levels = query.levels.map(\.rawValue).sorted()
        let from = query.from?.microseconds, to = query.to?.microseconds
        let afterTime = query.after?.startedAt.microseconds, afterID = query.after?.id
        let rows = try await transaction(.tenant(organization)) { connection, logger in
            try await Self.anomalies(connection.query("""
                SELECT \(unescaped: Self.anomalyColumns) FROM anomalies
                WHERE organization_id = \(organization.uuid)
                  AND (\(query.metricName)::text IS NULL OR metric_name = \(query.metricName))
                  AND tags::jsonb @> \(tags)::jsonb
                  AND (\(from)::bigint IS NULL OR ended_at >= \(from))
                  AND (\(to)::bigint IS NULL OR started_at < \(to))
                  AND (cardinality(\(severities)::text[]) = 0 OR severity = ANY(\(severities)::text[]))
                  AND (cardinality(\(statuses)::text[]) = 0 OR status = ANY(\(statuses)::text[]))
                  AND (cardinality(\(levels)::text[]) = 0 OR level = ANY(\(levels)::text[]))
                  AND (\(afterTime)::bigint IS NULL OR started_at < \(afterTime)
                       OR (started_at = \(afterTime) AND id COLLATE "C" < \(afterID)::text COLLATE "C"))
                ORDER BY started_at DESC, id COLLATE "C" DESC LIMIT \(Int64(limit + 1))
                """, logger: logger))
        }
        return AnomalyPage.assemble(rows, limit: limit)
    }

    public func linkAnomalies(parentID: String, childIDs: [String], organization: OrganizationID) async throws -> Int {
        let children = Set(childIDs).subtracting([parentID]).sorted()
        return try await transaction(.tenant(organization)) { connection, logger in
            var changed = 0
            var linked: [String] = []
            // The parent's row is locked first, so two monitors linking into it merge in turn.
            var current: Set<String>?
            for try await text in try await connection.query("""
                SELECT related_ids FROM anomalies WHERE id = \(parentID) AND organization_id = \(organization.uuid) FOR UPDATE
                """, logger: logger).decode(String.self) {
                current = Set(Anomaly.decodeRelated(text))
            }
            for try await (id, updated) in try await connection.query("""
                WITH updated AS (
                    UPDATE anomalies SET parent_id = \(parentID)
                    WHERE organization_id = \(organization.uuid) AND parent_id IS NULL AND id = ANY(\(children)::text[])
                    RETURNING id
                )
                SELECT a.id, (u.id IS NOT NULL) FROM anomalies a LEFT JOIN updated u ON u.id = a.id
                WHERE a.organization_id = \(organization.uuid) AND a.id = ANY(\(children)::text[])
                """, logger: logger).decode((String, Bool).self) {
                linked.append(id)
                if updated { changed += 1 }
            }
            if let current, !Set(linked).isSubset(of: current) {
                let merged = current.union(linked).sorted()
                try await connection.query("""
                    UPDATE anomalies SET related_ids = \(Anomaly.encodeRelated(merged))
                    WHERE id = \(parentID) AND organization_id = \(organization.uuid)
                    """, logger: logger)
                changed += 1
            }
            return changed
        }
    }

    public func recordAnomalyFeedback(id: String, organization: OrganizationID, feedback: AnomalyFeedbackKind, comment: String?,
                                      at time: Timestamp, tuning: AnomalySeriesTuning) async throws -> Anomaly? {
        try await transaction(.tenant(organization)) { connection, logger in
            let status = AnomalyStatus(feedback).rawValue
            guard let anomaly = try await Self.anomalies(connection.query("""
                UPDATE anomalies SET status = \(status), feedback_comment = \(comment), feedback_at = \(time.microseconds),
                    updated_at = \(time.microseconds)
                WHERE id = \(id) AND organization_id = \(organization.uuid)
                RETURNING \(unescaped: Self.anomalyColumns)
                """, logger: logger)).first else { return nil }
            try await connection.query("""
                INSERT INTO anomaly_series (organization_id, series_key, metric_name, tags, sensitivity_factor, baseline_from, updated_at,
                                            level)
                VALUES (\(organization.uuid), \(anomaly.seriesKey), \(anomaly.metricName), \(JSONText.encodeObject(anomaly.tags)),
                        \(tuning.sensitivityFactor), \(tuning.baselineFrom?.microseconds), \(time.microseconds), \(anomaly.level.rawValue))
                ON CONFLICT (organization_id, series_key) DO UPDATE SET sensitivity_factor = excluded.sensitivity_factor,
                    baseline_from = excluded.baseline_from, updated_at = excluded.updated_at
                """, logger: logger)
            return anomaly
        }
    }

    public func anomalyStatusCounts(organization: OrganizationID) async throws -> [AnomalyStatus: Int] {
        try await transaction(.tenant(organization)) { connection, logger in
            let rows = try await connection.query(
                "SELECT status, COUNT(*) FROM anomalies WHERE organization_id = \(organization.uuid) GROUP BY status", logger: logger)
            var counts: [AnomalyStatus: Int] = [:]
            for try await (status, count) in rows.decode((String, Int64).self) {
                if let status = AnomalyStatus(rawValue: status) { counts[status] = Int(count) }
            }
            return counts
        }
    }

    private static func anomalies(_ rows: PostgresRowSequence) async throws -> [Anomaly] {
        var result: [Anomaly] = []
        for try await row in rows {
            let cells = row.makeRandomAccess()
            guard let severity = AnomalySeverity(rawValue: try cells[12].decode(String.self)),
                  let status = AnomalyStatus(rawValue: try cells[16].decode(String.self)) else { continue }
            func time(_ index: Int) throws -> Timestamp { Timestamp(microseconds: try cells[index].decode(Int64.self)) }
            result.append(Anomaly(
                id: try cells[0].decode(String.self), organization: OrganizationID(try cells[1].decode(UUID.self)),
                metricName: try cells[2].decode(String.self), tags: JSONText.decodeStringObject(try cells[3].decode(String.self)) ?? [:],
                startedAt: try time(4), endedAt: try time(5), peakAt: try time(6), peakValue: try cells[7].decode(Double.self),
                expectedValue: try cells[8].decode(Double?.self), expectedLow: try cells[9].decode(Double?.self),
                expectedHigh: try cells[10].decode(Double?.self), score: try cells[11].decode(Double.self), severity: severity,
                anomalousPoints: Int(try cells[13].decode(Int32.self)), methods: AnomalyMethodScore.decode(try cells[14].decode(String.self)),
                explanation: try cells[15].decode(String.self), status: status, feedbackComment: try cells[17].decode(String?.self),
                feedbackAt: try cells[18].decode(Int64?.self).map(Timestamp.init(microseconds:)), detectedAt: try time(19),
                updatedAt: try time(20), level: AnomalyLevel(rawValue: try cells[21].decode(String.self)) ?? .customer,
                parentID: try cells[22].decode(String?.self), relatedIDs: Anomaly.decodeRelated(try cells[23].decode(String.self))))
        }
        return result
    }
}
