import ChurnGuardCore
import ChurnGuardStorage
import Foundation

extension StoreConformance {
    /// Levels and links: a segment series is its own series beside a customer series with the
    /// same tags, and an anomaly's level, parent and related ids read back and can be re-linked.
    static let anomalyLevelCases: [Case<any AnomalyStore>] = [
        Case(name: "segment-level series and anomalies are their own, and their links read back and update") { store in
            let a = OrganizationID.random()
            let child = Fixture.anomaly(organization: a, customer: "c1", hour: 2)
            var segment = Fixture.anomaly(organization: a, customer: "c1", hour: 1)
            segment.tags = ["segment": "smb"]
            segment.level = .segment
            segment.relatedIDs = [child.id]
            var linkedChild = child
            linkedChild.parentID = segment.id
            let customerState = AnomalySeriesState(metricName: child.metricName, tags: ["segment": "smb"],
                                                   checkpoint: SequenceCursor(timestamp: child.endedAt, sequence: 5))
            let segmentState = AnomalySeriesState(metricName: child.metricName, tags: ["segment": "smb"],
                                                  checkpoint: SequenceCursor(timestamp: segment.endedAt, sequence: 0), level: .segment)
            try check(customerState.seriesKey != segmentState.seriesKey, "keys differ by level")
            try await store.commitMonitorRun(anomalies: [linkedChild, segment], states: [customerState, segmentState], organization: a)
            let states = try await store.anomalySeriesStates(metricName: child.metricName, organization: a)
            try check(Set(states.map(\.level)) == [.customer, .segment] && states.count == 2, "two series: \(states)")
            try check(states.first { $0.level == .segment }?.checkpoint == segmentState.checkpoint, "segment checkpoint \(states)")
            try check(try await store.anomaly(id: segment.id, organization: a) == segment, "segment anomaly read back")
            try check(try await store.anomaly(id: child.id, organization: a)?.parentID == segment.id, "child's parent read back")
            // A later run links one more child: only the link fields change.
            var second = Fixture.anomaly(organization: a, customer: "c2", hour: 3)
            second.parentID = "an-earlier-parent"
            try await store.commitMonitorRun(anomalies: [second], states: [], organization: a)
            let changed = try await store.linkAnomalies(parentID: segment.id, childIDs: [child.id, second.id, "no-such-anomaly"],
                                                        organization: a)
            segment.relatedIDs = [child.id, second.id].sorted()
            try check(changed == 1, "only the parent's list changed (both children had a parent already): \(changed)")
            try check(try await store.anomaly(id: segment.id, organization: a)?.relatedIDs == segment.relatedIDs, "links merged")
            try check(try await store.anomaly(id: second.id, organization: a)?.parentID == "an-earlier-parent", "a parent is kept")
            let stranger = try await store.linkAnomalies(parentID: segment.id, childIDs: [child.id, second.id], organization: .random())
            try check(stranger == 0, "another organization links nothing: \(stranger)")
            // Extending a linked anomaly keeps its links (another monitor may have written them).
            var extended = segment
            extended.relatedIDs = []
            extended.endedAt = segment.endedAt.adding(seconds: 3600)
            try await store.commitMonitorRun(anomalies: [extended], states: [], organization: a)
            let reread = try await store.anomaly(id: segment.id, organization: a)
            try check(reread?.endedAt == extended.endedAt && reread?.relatedIDs == segment.relatedIDs,
                      "extension stored, links kept: \(String(describing: reread))")
            segment.endedAt = extended.endedAt
            let fed = try await store.recordAnomalyFeedback(id: segment.id, organization: a, feedback: .falsePositive, comment: nil,
                                                            at: segment.endedAt, tuning: AnomalySeriesTuning(sensitivityFactor: 1.25))
            try check(fed?.level == .segment && fed?.relatedIDs == segment.relatedIDs, "feedback keeps level and links: \(String(describing: fed))")
            let tuned = try await store.anomalySeriesStates(metricName: child.metricName, organization: a)
            try check(tuned.first { $0.level == .segment }?.tuning.sensitivityFactor == 1.25
                      && tuned.first { $0.level == .customer }?.tuning.sensitivityFactor == 1,
                      "feedback tunes the segment series only: \(tuned)")
        },
    ]
}
