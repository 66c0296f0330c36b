import ChurnGuardCore
public import ChurnGuardStorage
import Foundation

extension StoreConformance {
    /// The anomalies slice (``AnomalyStore``): atomic progress, the checkpoint guard, listings
    /// with filters and cursors, feedback and tuning, tenant scope.
    public static var anomalyCases: [Case<any AnomalyStore>] { anomalyBasicCases + anomalyLevelCases }

    static let anomalyBasicCases: [Case<any AnomalyStore>] = [
        Case(name: "anomalies and checkpoints commit together, read back, and stay in their organization") { store in
            let a = OrganizationID.random(), b = OrganizationID.random()
            let first = Fixture.anomaly(organization: a, customer: "c1", hour: 1)
            var state = AnomalySeriesState(metricName: first.metricName, tags: first.tags,
                                           checkpoint: SequenceCursor(timestamp: first.endedAt, sequence: 7), openAnomalyID: first.id, quietRows: 2)
            try await store.commitMonitorRun(anomalies: [first], states: [state], organization: a)
            try check(try await store.anomaly(id: first.id, organization: a) == first, "read back")
            try check(try await store.anomaly(id: first.id, organization: b) == nil, "another organization cannot read it")
            let states = try await store.anomalySeriesStates(metricName: first.metricName, organization: a)
            try check(states.count == 1 && states[0].checkpoint == state.checkpoint && states[0].previousCheckpoint == state.checkpoint
                      && states[0].openAnomalyID == first.id && states[0].quietRows == 2 && states[0].tags == first.tags,
                      "state \(states)")
            try check(try await store.anomalySeriesStates(metricName: first.metricName, organization: b).isEmpty, "states scoped")
            try check(try await store.anomalySeriesStates(metricName: "other", organization: a).isEmpty, "states by metric")
            // Extending the open event: same id, later end; the checkpoint moves on.
            var extended = first
            extended.endedAt = first.endedAt.adding(seconds: 3600)
            extended.anomalousPoints = 2
            extended.severity = .high
            extended.updatedAt = extended.endedAt
            state.previousCheckpoint = state.checkpoint
            state.checkpoint = SequenceCursor(timestamp: extended.endedAt, sequence: 9)
            try await store.commitMonitorRun(anomalies: [extended], states: [state], organization: a)
            try check(try await store.anomaly(id: first.id, organization: a) == extended, "extended")
            let page = try await store.anomalies(AnomalyQuery(), organization: a)
            try check(page.anomalies.map(\.id) == [first.id] && page.nextCursor == nil, "one anomaly listed")
            try check(try await store.anomalies(AnomalyQuery(), organization: b).anomalies.isEmpty, "listing scoped")
        },
        Case(name: "a commit whose checkpoint moved meanwhile is refused whole") { store in
            let a = OrganizationID.random()
            let first = Fixture.anomaly(organization: a, customer: "c1", hour: 1)
            let state = AnomalySeriesState(metricName: first.metricName, tags: first.tags,
                                           checkpoint: SequenceCursor(timestamp: first.endedAt, sequence: 3))
            try await store.commitMonitorRun(anomalies: [], states: [state], organization: a)
            // A second monitor that read no checkpoint tries to commit the same progress.
            do {
                try await store.commitMonitorRun(anomalies: [first], states: [state], organization: a)
                throw ConformanceFailure(description: "a stale checkpoint was accepted")
            } catch StoreError.conflict {}
            try check(try await store.anomaly(id: first.id, organization: a) == nil, "nothing of the refused commit stored")
            var next = state
            next.previousCheckpoint = state.checkpoint
            next.checkpoint = SequenceCursor(timestamp: first.endedAt.adding(seconds: 60), sequence: 4)
            try await store.commitMonitorRun(anomalies: [first], states: [next], organization: a)
            try check(try await store.anomaly(id: first.id, organization: a) != nil, "the current checkpoint is accepted")
            let other = OrganizationID.random()
            do {
                try await store.commitMonitorRun(anomalies: [first], states: [], organization: other)
                throw ConformanceFailure(description: "another organization's anomaly id was accepted")
            } catch StoreError.conflict {}
        },
        Case(name: "listings filter by metric, tags, time, severity and status, latest first, in cursor pages") { store in
            let a = OrganizationID.random()
            var all: [Anomaly] = []
            for hour in 0..<7 {
                var anomaly = Fixture.anomaly(organization: a, customer: hour % 2 == 0 ? "c1" : "c2", hour: hour * 10)
                if hour == 3 { anomaly.metricName = "customer_activity" }
                anomaly.severity = hour < 2 ? .high : .low
                all.append(anomaly)
            }
            try await store.commitMonitorRun(anomalies: all, states: [], organization: a)
            var seen: [String] = []
            var query = AnomalyQuery(limit: 3)
            for _ in 0..<5 {
                let page = try await store.anomalies(query, organization: a)
                seen += page.anomalies.map(\.id)
                guard let next = page.nextCursor else { break }
                try check(try AnomalyCursor(token: next.token) == next, "cursor text round-trips")
                query.after = next
            }
            try check(seen == all.reversed().map(\.id), "pages latest first without repeats or gaps: \(seen.count)")
            let c1 = try await store.anomalies(AnomalyQuery(tags: ["customer_id": "c1"]), organization: a).anomalies
            try check(c1.map(\.id) == Array(all.enumerated().filter { $0.offset % 2 == 0 }.map(\.element.id).reversed()), "tag filter")
            try check(try await store.anomalies(AnomalyQuery(tags: ["customer_id": "c1", "segment": "enterprise"]), organization: a)
                .anomalies.isEmpty, "every tag must match")
            try check(try await store.anomalies(AnomalyQuery(metricName: "customer_activity"), organization: a).anomalies.map(\.id)
                      == [all[3].id], "metric filter")
            try check(Set(try await store.anomalies(AnomalyQuery(severities: [.high]), organization: a).anomalies.map(\.id))
                      == Set([all[0].id, all[1].id]), "severity filter")
            let window = try await store.anomalies(AnomalyQuery(from: all[2].startedAt, to: all[4].startedAt), organization: a).anomalies
            try check(window.map(\.id) == [all[3].id, all[2].id], "time overlap filter \(window.map(\.startedAt))")
            try check(try await store.anomalies(AnomalyQuery(statuses: [.falsePositive]), organization: a).anomalies.isEmpty, "status filter")
        },
        Case(name: "feedback sets status and tuning; monitor progress keeps both") { store in
            let a = OrganizationID.random(), b = OrganizationID.random()
            let anomaly = Fixture.anomaly(organization: a, customer: "c1", hour: 1)
            let state = AnomalySeriesState(metricName: anomaly.metricName, tags: anomaly.tags,
                                           checkpoint: SequenceCursor(timestamp: anomaly.endedAt, sequence: 1), openAnomalyID: anomaly.id)
            try await store.commitMonitorRun(anomalies: [anomaly], states: [state], organization: a)
            let tuning = AnomalySeriesTuning(sensitivityFactor: 1.25, baselineFrom: anomaly.startedAt)
            try check(try await store.recordAnomalyFeedback(id: anomaly.id, organization: b, feedback: .falsePositive, comment: nil,
                                                            at: Fixture.base, tuning: tuning) == nil, "another organization's feedback refused")
            let marked = try await store.recordAnomalyFeedback(id: anomaly.id, organization: a, feedback: .falsePositive, comment: "noise",
                                                               at: anomaly.endedAt.adding(seconds: 60), tuning: tuning)
            try check(marked?.status == .falsePositive && marked?.feedbackComment == "noise", "feedback recorded \(String(describing: marked))")
            try check(try await store.anomaly(id: anomaly.id, organization: a) == marked, "feedback stored")
            var states = try await store.anomalySeriesStates(metricName: anomaly.metricName, organization: a)
            try check(states.first?.tuning == tuning && states.first?.checkpoint == state.checkpoint, "tuning stored, checkpoint kept")
            var later = anomaly
            later.endedAt = anomaly.endedAt.adding(seconds: 3600)
            var progress = states[0]
            progress.checkpoint = SequenceCursor(timestamp: later.endedAt, sequence: 2)
            try await store.commitMonitorRun(anomalies: [later], states: [progress], organization: a)
            let stored = try await store.anomaly(id: anomaly.id, organization: a)
            try check(stored?.status == .falsePositive && stored?.endedAt == later.endedAt, "extension keeps the feedback")
            states = try await store.anomalySeriesStates(metricName: anomaly.metricName, organization: a)
            try check(states.first?.tuning == tuning, "progress keeps the tuning")
            let counts = try await store.anomalyStatusCounts(organization: a)
            try check(counts == [.falsePositive: 1], "counts \(counts)")
            try check(try await store.anomalyStatusCounts(organization: b).isEmpty, "counts scoped")
        },
    ]
}

extension Fixture {
    static func anomaly(organization: OrganizationID, customer: String, hour: Int) -> Anomaly {
        let start = base.adding(seconds: Int64(hour) * 3600)
        return Anomaly(
            id: UUID().uuidString.lowercased(), organization: organization, metricName: "churn_risk_score",
            tags: ["customer_id": customer, "segment": "smb"], startedAt: start, endedAt: start, peakAt: start, peakValue: 0.93,
            expectedValue: 0.41, expectedLow: 0.38, expectedHigh: 0.45, score: 0.87, severity: .medium, anomalousPoints: 1,
            methods: [AnomalyMethodScore(method: "mad", score: 0.87, vote: true), AnomalyMethodScore(method: "zscore", score: 0.31, vote: false)],
            explanation: "churn_risk_score rose to 0.93, expected about 0.41", detectedAt: start, updatedAt: start)
    }
}
