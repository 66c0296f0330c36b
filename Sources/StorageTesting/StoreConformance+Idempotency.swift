import ChurnGuardCore
public import ChurnGuardStorage
import Foundation

extension StoreConformance {
    /// Idempotent appends (part of the points slice): a key stores its batch once.
    static let idempotencyCases: [Case<any MetricStore>] = [
        Case(name: "an idempotency key stores its batch once; the same key with another body stores nothing") { store in
            let org = OrganizationID.random()
            let claim = IdempotencyClaim(key: "req-1", bodyHash: Array(repeating: 7, count: 32))
            let batch = PointBatch(organization: org, points: [Fixture.point(minute: 1, value: 1), Fixture.point(minute: 2, value: 2)],
                                   idempotency: claim)
            try check(try await store.append([batch]) == [.stored], "first use must store")
            try check(try await store.append([batch]) == [.replayed(accepted: 2)], "a retry must replay")
            var other = batch
            other.idempotency = IdempotencyClaim(key: "req-1", bodyHash: Array(repeating: 8, count: 32))
            other.points = [Fixture.point(minute: 3, value: 3)]
            try check(try await store.append([other]) == [.keyReused], "another body under the key must be refused")
            let values = try await store.points(PointQuery(metricName: "churn_risk_score"), organization: org).points.map(\.point.value)
            try check(values == [1, 2], "stored \(values)")
            let catalog = try await store.metrics(organization: org).first?.points
            try check(catalog == 2, "catalog counts \(String(describing: catalog))")
        },
        Case(name: "within one group commit a repeated key stores once, and keys are per organization") { store in
            let a = OrganizationID.random()
            let b = OrganizationID.random()
            let claim = IdempotencyClaim(key: "shared-key", bodyHash: Array(repeating: 1, count: 32))
            let outcomes = try await store.append([
                PointBatch(organization: a, points: [Fixture.point(minute: 1, value: 1)], idempotency: claim),
                PointBatch(organization: a, points: [Fixture.point(minute: 1, value: 1)], idempotency: claim),
                PointBatch(organization: b, points: [Fixture.point(minute: 1, value: 5)], idempotency: claim),
                PointBatch(organization: b, points: [Fixture.point(minute: 2, value: 6)]),
            ])
            try check(outcomes == [.stored, .replayed(accepted: 1), .stored, .stored], "outcomes \(outcomes)")
            let ofA = try await store.points(PointQuery(metricName: "churn_risk_score"), organization: a).points.count
            let ofB = try await store.points(PointQuery(metricName: "churn_risk_score"), organization: b).points.count
            try check(ofA == 1 && ofB == 2, "a has \(ofA), b has \(ofB)")
        },
        Case(name: "expired idempotency keys are forgotten, newer ones kept") { store in
            let org = OrganizationID.random()
            let claim = IdempotencyClaim(key: "old", bodyHash: Array(repeating: 2, count: 32))
            try await store.append([PointBatch(organization: org, points: [Fixture.point(minute: 1, value: 1)], idempotency: claim)])
            let none = try await store.expireIdempotencyKeys(before: Timestamp(Date()).adding(seconds: -3600))
            try check(none == 0, "removed \(none) keys younger than the cutoff")
            let removed = try await store.expireIdempotencyKeys(before: Timestamp(Date()).adding(seconds: 60))
            try check(removed >= 1, "removed \(removed)")
            let again = try await store.append([PointBatch(organization: org, points: [Fixture.point(minute: 1, value: 1)], idempotency: claim)])
            try check(again == [.stored], "an expired key is new again: \(again)")
        },
    ]
}
