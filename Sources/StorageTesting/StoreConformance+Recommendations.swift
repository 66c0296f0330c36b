import ChurnGuardCore
public import ChurnGuardStorage
import Foundation

extension StoreConformance {
    /// The recommendations slice (``RecommendationStore``): one per rule and target, decided
    /// ones never reopened, atomic accept/dismiss/outcome transitions, ranked and filtered
    /// listings, pruning, tenant scope.
    public static let recommendationCases: [Case<any RecommendationStore>] = [
        Case(name: "a recommendation is saved, read back, updated by rule and target on a rerun and kept to its organization") { store in
            let a = OrganizationID.random(), b = OrganizationID.random()
            let first = Fixture.recommendation(organization: a, rule: "smb_reengagement_campaign", segment: "smb", value: 1_000)
            let saved = try await store.saveRecommendations([first], organization: a, at: Fixture.base)
            try check(saved == [SavedRecommendation(recommendation: first, created: true)], "created \(saved)")
            try check(try await store.recommendation(id: first.id, organization: a) == first, "read back whole")
            try check(try await store.recommendation(id: first.id, organization: b) == nil, "another organization cannot read it")
            var rerun = Fixture.recommendation(organization: a, rule: "smb_reengagement_campaign", segment: "smb", value: 2_500,
                                               at: Fixture.base.adding(seconds: 900))
            rerun.affectedCustomers = 7
            let updated = try await store.saveRecommendations([rerun], organization: a, at: rerun.updatedAt)
            var expected = rerun
            expected.id = first.id
            expected.createdAt = first.createdAt
            try check(updated == [SavedRecommendation(recommendation: expected, created: false)], "updated keeps id and creation \(updated)")
            try check(try await store.recommendation(id: rerun.id, organization: a) == nil, "no second recommendation")
            try check(try await store.recommendations(RecommendationQuery(), organization: a) == [expected], "one per rule and target")
            let otherTarget = Fixture.recommendation(organization: a, rule: "smb_reengagement_campaign", segment: "mid_market", value: 10)
            let theirs = Fixture.recommendation(organization: b, rule: "smb_reengagement_campaign", segment: "smb", value: 10)
            try check(try await store.saveRecommendations([otherTarget], organization: a, at: Fixture.base).first?.created == true, "another target")
            try check(try await store.saveRecommendations([theirs], organization: b, at: Fixture.base).first?.created == true, "b's own")
            try check(try await store.recommendation(id: first.id, organization: a) == expected, "a's untouched by b")
        },
        Case(name: "accept and dismiss: recorded once, repeated harmlessly, refused across (conflict), never reopened by a rerun") { store in
            let a = OrganizationID.random(), b = OrganizationID.random()
            let one = Fixture.recommendation(organization: a, rule: "rule_one", segment: "smb", value: 100)
            let two = Fixture.recommendation(organization: a, rule: "rule_two", segment: "smb", value: 50)
            _ = try await store.saveRecommendations([one, two], organization: a, at: Fixture.base)
            let time = Fixture.base.adding(seconds: 60)
            try check(try await store.updateRecommendation(id: one.id, organization: b, .accept(customers: [], note: nil, at: time)) == nil,
                      "another organization cannot accept it")
            let accepted = try await store.updateRecommendation(id: one.id, organization: a, .accept(customers: ["c-2"], note: "go", at: time))
            try check(accepted?.status == .accepted && accepted?.acceptedAt == time && accepted?.treatedCustomers == ["c-2"]
                      && accepted?.acceptNote == "go", "accepted \(String(describing: accepted))")
            let again = try await store.updateRecommendation(id: one.id, organization: a, .accept(customers: [], note: nil, at: time.adding(seconds: 5)))
            try check(again == accepted, "accepting again changes nothing")
            do {
                _ = try await store.updateRecommendation(id: one.id, organization: a, .dismiss(reason: "no", at: time))
                throw ConformanceFailure(description: "dismissing an accepted recommendation must conflict")
            } catch StoreError.conflict {}
            let dismissed = try await store.updateRecommendation(id: two.id, organization: a, .dismiss(reason: "budget", at: time))
            try check(dismissed?.status == .dismissed && dismissed?.dismissReason == "budget" && dismissed?.dismissedAt == time, "dismissed")
            do {
                _ = try await store.updateRecommendation(id: two.id, organization: a, .accept(customers: [], note: nil, at: time))
                throw ConformanceFailure(description: "accepting a dismissed recommendation must conflict")
            } catch StoreError.conflict {}
            do {
                _ = try await store.updateRecommendation(id: two.id, organization: a, .outcome(Fixture.outcome(at: time)))
                throw ConformanceFailure(description: "an outcome for a dismissed recommendation must conflict")
            } catch StoreError.conflict {}
            let measured = try await store.updateRecommendation(id: one.id, organization: a, .outcome(Fixture.outcome(at: time.adding(seconds: 99))))
            try check(measured?.outcome == Fixture.outcome(at: time.adding(seconds: 99)), "outcome stored")
            // A rerun finding both again leaves the decisions as they are.
            let rerunOne = Fixture.recommendation(organization: a, rule: "rule_one", segment: "smb", value: 9_999, at: time.adding(seconds: 900))
            let rerunTwo = Fixture.recommendation(organization: a, rule: "rule_two", segment: "smb", value: 9_999, at: time.adding(seconds: 900))
            let rerun = try await store.saveRecommendations([rerunOne, rerunTwo], organization: a, at: rerunOne.updatedAt)
            try check(rerun.map(\.created) == [false, false] && rerun.map(\.recommendation) == [measured!, dismissed!], "decisions kept \(rerun)")
            try check(try await store.updateRecommendation(id: "missing", organization: a, .dismiss(reason: "x", at: time)) == nil, "unknown id")
        },
        Case(name: "concurrent accept and dismiss of one recommendation: exactly one wins") { store in
            let a = OrganizationID.random()
            let one = Fixture.recommendation(organization: a, rule: "rule_race", segment: "smb", value: 1)
            _ = try await store.saveRecommendations([one], organization: a, at: Fixture.base)
            let results = await withTaskGroup(of: RecommendationStatus?.self) { group in
                for index in 0..<8 {
                    group.addTask {
                        let transition: RecommendationTransition = index.isMultiple(of: 2)
                            ? .accept(customers: [], note: nil, at: Fixture.base) : .dismiss(reason: "r", at: Fixture.base)
                        return try? await store.updateRecommendation(id: one.id, organization: a, transition)?.status
                    }
                }
                var all: [RecommendationStatus?] = []
                for await result in group { all.append(result) }
                return all
            }
            let final = try await store.recommendation(id: one.id, organization: a)?.status
            try check(final == .accepted || final == .dismissed, "decided")
            try check(results.allSatisfy { $0 == nil || $0 == final }, "no answer contradicts the stored state \(results) \(String(describing: final))")
            try check(results.filter { $0 == final }.count == 4, "every request of the winning kind succeeded \(results)")
        },
        Case(name: "listings rank by expected value and filter by category, status and rule; pruning keeps decided ones") { store in
            let a = OrganizationID.random()
            var big = Fixture.recommendation(organization: a, rule: "rule_big", segment: "smb", value: 5_000)
            big.category = .discount
            let mid = Fixture.recommendation(organization: a, rule: "rule_mid", segment: "smb", value: 900)
            let small = Fixture.recommendation(organization: a, rule: "rule_small", segment: "smb", value: -20)
            let stale = Fixture.recommendation(organization: a, rule: "rule_stale", segment: "smb", value: 7_000, at: Fixture.base.adding(seconds: -60))
            _ = try await store.saveRecommendations([small, big, mid, stale], organization: a, at: Fixture.base)
            let all = try await store.recommendations(RecommendationQuery(), organization: a)
            try check(all.map(\.ruleID) == ["rule_stale", "rule_big", "rule_mid", "rule_small"], "ranked \(all.map(\.ruleID))")
            try check(try await store.recommendations(RecommendationQuery(limit: 2), organization: a).count == 2, "limit")
            try check(try await store.recommendations(RecommendationQuery(category: .discount), organization: a).map(\.ruleID) == ["rule_big"], "category")
            try check(try await store.recommendations(RecommendationQuery(ruleID: "rule_mid"), organization: a).map(\.ruleID) == ["rule_mid"], "rule")
            _ = try await store.updateRecommendation(id: small.id, organization: a, .dismiss(reason: "r", at: Fixture.base))
            try check(try await store.recommendations(RecommendationQuery(status: .dismissed), organization: a).map(\.ruleID) == ["rule_small"], "status")
            // The run at base confirmed small, big and mid; stale is older; keep one open.
            let deleted = try await store.pruneRecommendations(organization: a, keep: 1, confirmedAt: Fixture.base)
            try check(deleted == 2, "stale and mid pruned (\(deleted))")
            let left = try await store.recommendations(RecommendationQuery(), organization: a)
            try check(left.map(\.ruleID) == ["rule_big", "rule_small"], "the best open one and the dismissed one \(left.map(\.ruleID))")
            let other = OrganizationID.random()
            try check(try await store.pruneRecommendations(organization: other, keep: 0, confirmedAt: Fixture.base.adding(seconds: 999)) == 0,
                      "another organization prunes nothing of a's")
            try check(try await store.recommendations(RecommendationQuery(), organization: a).count == 2, "a's kept")
        },
    ]
}

extension Fixture {
    static func recommendation(organization: OrganizationID, rule: String, segment: String, value: Double,
                               at time: Timestamp = Fixture.base) -> Recommendation {
        let figures = ROIFigures(revenueAtRisk: 10_000, savedRevenue: 1_200, cost: 200, roi: 5)
        return Recommendation(
            id: UUID().uuidString.lowercased(), organization: organization, ruleID: rule, title: "Call \(segment)", description: "Because.",
            category: .successCall, target: RecommendationTarget(metricName: "churn_risk_score", segment: InsightSegment(dimension: "segment", value: segment)),
            affectedCustomers: 3, customers: ["c-1", "c-2", "c-3"], confidence: 0.8, expectedValue: value, expectedEffect: 0.12,
            horizonDays: 90,
            roi: ROIEstimate(currency: "USD", horizonDays: 90, revenueMetric: "mrr", expected: figures, low: figures, high: figures,
                             assumptions: ["a churned customer's revenue is lost for the whole horizon"]),
            insightIDs: ["i-1"], anomalyIDs: ["an-1", "an-2"], alertIDs: [], createdAt: time)
    }

    static func outcome(at time: Timestamp) -> RecommendationOutcome {
        RecommendationOutcome(evaluatedAt: time, treated: 40, control: 120, measuredEffect: 0.05, ciLow: 0.01, ciHigh: 0.09,
                              expectedEffect: 0.06, retainedMRRDifference: 12.5, treatedPriorRisk: 0.5)
    }
}
