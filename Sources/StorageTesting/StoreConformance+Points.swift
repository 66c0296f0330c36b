import ChurnGuardCore
public import ChurnGuardStorage
import Foundation

extension StoreConformance {
    /// The points slice (``MetricStore``).
    public static let pointCases: [Case<any MetricStore>] = scanCases + idempotencyCases + [
        Case(name: "round trip keeps every field") { store in
            let org = OrganizationID.random()
            let point = Fixture.point(minute: 1, value: 0.731, tags: ["customer_id": "c-1", "segment": "smb", "note": "quote \" and ünïcode"],
                                      metadata: #"{"source":"crm","n":[1,2]}"#)
            try await store.append([PointBatch(organization: org, points: [point])])
            let page = try await store.points(PointQuery(metricName: point.metricName), organization: org)
            try check(page.points.map(\.point) == [point], "read back \(page.points.map(\.point)), wrote \(point)")
            try check(page.nextCursor == nil, "single point must not have a next page")
        },
        Case(name: "organizations never see each other's points") { store in
            let a = OrganizationID.random()
            let b = OrganizationID.random()
            try await store.append([
                PointBatch(organization: a, points: [Fixture.point(minute: 1, value: 1)]),
                PointBatch(organization: b, points: [Fixture.point(minute: 2, value: 2), Fixture.point("logins", minute: 2, value: 5)]),
            ])
            let seenByA = try await store.points(PointQuery(metricName: "churn_risk_score"), organization: a).points.map(\.point.value)
            try check(seenByA == [1], "a sees \(seenByA)")
            let metricsOfA = try await store.metrics(organization: a).map(\.metricName)
            try check(metricsOfA == ["churn_risk_score"], "a lists \(metricsOfA)")
            let loginsOfA = try await store.points(PointQuery(metricName: "logins"), organization: a).points
            try check(loginsOfA.isEmpty, "a reads b's logins")
            let nobody = try await store.metrics(organization: .random())
            try check(nobody.isEmpty, "an unknown organization lists \(nobody)")
        },
        Case(name: "points come back in time order whatever the insert order") { store in
            let org = OrganizationID.random()
            let minutes = [5, 1, 4, 2, 3, 3]
            try await store.append([PointBatch(organization: org, points: minutes.map { Fixture.point(minute: $0, value: Double($0)) })])
            let read = try await store.points(PointQuery(metricName: "churn_risk_score"), organization: org).points
            try check(read.map(\.point.value) == [1, 2, 3, 3, 4, 5], "order \(read.map(\.point.value))")
            let ties = read.filter { $0.point.value == 3 }.map(\.sequence)
            try check(ties == ties.sorted() && Set(ties).count == 2, "ties ordered by sequence: \(ties)")
        },
        Case(name: "cursor pagination returns every point once") { store in
            let org = OrganizationID.random()
            let points = (0..<257).map { Fixture.point(minute: $0 / 3, value: Double($0)) }
            try await store.append([PointBatch(organization: org, points: points)])
            let all = try await Fixture.readAll(store, PointQuery(metricName: "churn_risk_score", limit: 10), organization: org)
            try check(all.count == 257, "paged \(all.count) of 257")
            try check(Set(all.map(\.sequence)).count == 257, "duplicates across pages")
            try check(zip(all, all.dropFirst()).allSatisfy { ($0.point.timestamp, $0.sequence) < ($1.point.timestamp, $1.sequence) },
                      "pages out of order")
            let exact = try await store.points(PointQuery(metricName: "churn_risk_score", limit: 257), organization: org)
            try check(exact.points.count == 257 && exact.nextCursor == nil, "a page holding everything has no cursor")
        },
        Case(name: "time range is from-inclusive, to-exclusive") { store in
            let org = OrganizationID.random()
            try await store.append([PointBatch(organization: org, points: (0..<10).map { Fixture.point(minute: $0, value: Double($0)) })])
            let query = PointQuery(metricName: "churn_risk_score", from: Fixture.base.adding(seconds: 120), to: Fixture.base.adding(seconds: 300))
            let values = try await store.points(query, organization: org).points.map(\.point.value)
            try check(values == [2, 3, 4], "range gave \(values)")
        },
        Case(name: "tag filters match exactly") { store in
            let org = OrganizationID.random()
            try await store.append([PointBatch(organization: org, points: [
                Fixture.point(minute: 1, value: 1, tags: ["segment": "smb", "plan": "starter"]),
                Fixture.point(minute: 2, value: 2, tags: ["segment": "smb", "plan": "growth"]),
                Fixture.point(minute: 3, value: 3, tags: ["segment": "enterprise"]),
                Fixture.point(minute: 4, value: 4, tags: ["segment": "smb'; DROP TABLE x; --"]),
            ])])
            func values(_ tags: [String: String]) async throws -> [Double] {
                try await store.points(PointQuery(metricName: "churn_risk_score", tags: tags), organization: org).points.map(\.point.value)
            }
            try check(try await values(["segment": "smb"]) == [1, 2], "segment=smb")
            try check(try await values(["segment": "smb", "plan": "growth"]) == [2], "two tags")
            try check(try await values(["plan": "enterprise"]).isEmpty, "no match")
            try check(try await values(["segment": "smb'; DROP TABLE x; --"]) == [4], "quoted value")
        },
        Case(name: "several batches in one append are all stored") { store in
            let a = OrganizationID.random()
            let batches = (0..<20).map { index in
                PointBatch(organization: a, points: (0..<5).map { Fixture.point(minute: index * 5 + $0, value: Double(index)) })
            }
            try await store.append(batches)
            let all = try await Fixture.readAll(store, PointQuery(metricName: "churn_risk_score", limit: 1000), organization: a)
            try check(all.count == 100, "stored \(all.count) of 100")
        },
        Case(name: "metric listing counts points and bounds") { store in
            let org = OrganizationID.random()
            try await store.append([PointBatch(organization: org, points: [
                Fixture.point("logins", minute: 10, value: 1), Fixture.point("logins", minute: 3, value: 1),
                Fixture.point("mrr", minute: 7, value: 99),
            ])])
            try await store.append([PointBatch(organization: org, points: [Fixture.point("logins", minute: 20, value: 2)])])
            let metrics = try await store.metrics(organization: org)
            try check(metrics.map(\.metricName) == ["logins", "mrr"], "names \(metrics.map(\.metricName))")
            try check(metrics[0].points == 3, "logins count \(metrics[0].points)")
            try check(metrics[0].firstTimestamp == Fixture.base.adding(seconds: 180), "first \(metrics[0].firstTimestamp)")
            try check(metrics[0].lastTimestamp == Fixture.base.adding(seconds: 1200), "last \(metrics[0].lastTimestamp)")
        },
        Case(name: "points of one series at the same timestamp are all kept, never overwritten") { store in
            let org = OrganizationID.random()
            let tags = ["customer_id": "c-7"]
            let twins = [Fixture.point(minute: 3, value: 1, tags: tags), Fixture.point(minute: 3, value: 2, tags: tags)]
            try await store.append([PointBatch(organization: org, points: twins)])
            try await store.append([PointBatch(organization: org, points: [Fixture.point(minute: 3, value: 3, tags: tags)])])
            let all = try await Fixture.readAll(store, PointQuery(metricName: "churn_risk_score", limit: 1), organization: org)
            try check(all.map(\.point.value) == [1, 2, 3], "same series and time: \(all.map(\.point.value)), expected insertion order 1, 2, 3")
            try check(Set(all.map(\.sequence)).count == 3, "each point has its own sequence")
            let summary = try await store.metrics(organization: org)
            try check(summary.first?.points == 3, "catalog counts all three: \(summary)")
        },
        Case(name: "a cursor the backend did not make is refused as invalid") { store in
            let org = OrganizationID.random()
            try await store.append([PointBatch(organization: org, points: [Fixture.point(minute: 1, value: 1)])])
            for token in ["7fffffffffffffff.0", "-8000000000000000.0", "zz", "1.2.3", "0.-1"] {
                guard let cursor = PointCursor(token: token) else { continue }
                do {
                    _ = try await store.points(PointQuery(metricName: "churn_risk_score", after: cursor), organization: org)
                    throw ConformanceFailure(description: "cursor \(token) accepted")
                } catch StoreError.invalidCursor {
                    // expected
                }
            }
        },
    ]

    /// The lifecycle slice (``StoreLifecycle``).
    public static let lifecycleCases: [Case<any StoreLifecycle>] = [
        Case(name: "migrations are idempotent and leave the store ready") { store in
            _ = try await store.migrate()
            let again = try await store.migrate()
            try check(again.isEmpty, "second migrate applied \(again)")
            try await store.checkReady()
            let status = try await store.migrationStatus()
            try check(status.isCurrent, "status not current: \(status)")
        },
    ]
}
