import ChurnGuardCore
import ChurnGuardEngine
import Testing

@Suite("Demo dataset")
struct DemoDatasetTests {
    let dataset = DemoDataset(start: Timestamp(seconds: 1_760_000_500))

    @Test("is deterministic and has the documented size and shape")
    func shape() {
        #expect(dataset.start == Timestamp(seconds: 1_760_000_400))
        let day = dataset.points(forDay: 3)
        #expect(day == dataset.points(forDay: 3))
        #expect(day.count == 24 * 500 * 5)
        #expect(dataset.pointCount == 45 * 24 * 500 * 5)
        #expect(Set(day.map(\.metricName)) == Set(DemoDataset.metricNames))
        let customers = Set(day.compactMap { $0.tags["customer_id"] })
        #expect(customers.count == 500)
        let segments = Set(day.compactMap { $0.tags["segment"] })
        #expect(segments == ["smb", "mid_market", "enterprise"])
        #expect(day.allSatisfy { $0.value.isFinite && PointValidator().problems(with: $0, index: nil).isEmpty })
        let risk = day.filter { $0.metricName == "churn_risk_score" }.map(\.value)
        #expect(risk.allSatisfy { (0...1).contains($0) })
    }

    func mean(_ metric: String, segment: String? = nil, hours: Range<Int>, plan: String? = nil) -> Double {
        var total = 0.0
        var count = 0
        for day in (hours.lowerBound / 24)...((hours.upperBound - 1) / 24) {
            for point in dataset.points(forDay: day) where point.metricName == metric {
                let hour = Int((point.timestamp.microseconds - dataset.start.microseconds) / 3_600_000_000)
                guard hours.contains(hour) else { continue }
                if let segment, point.tags["segment"] != segment { continue }
                if let plan, point.tags["plan"] != plan { continue }
                total += point.value
                count += 1
            }
        }
        return total / Double(max(count, 1))
    }

    @Test("the smb activity drop is visible against the same hours a week earlier")
    func activityDrop() {
        let incident = DemoDataset.incidents[0]
        let during = mean("customer_activity", segment: "smb", hours: incident.startHour..<incident.endHour)
        let before = mean("customer_activity", segment: "smb", hours: (incident.startHour - 168)..<(incident.endHour - 168))
        #expect(during < before * 0.6, "during \(during), a week before \(before)")
        let enterprise = mean("customer_activity", segment: "enterprise", hours: incident.startHour..<incident.endHour)
        let enterpriseBefore = mean("customer_activity", segment: "enterprise", hours: (incident.startHour - 168)..<(incident.endHour - 168))
        #expect(enterprise > enterpriseBefore * 0.8, "other segments are unaffected")
    }

    @Test("the churn-risk surge and the ticket spike are visible")
    func surgeAndSpike() {
        let surge = DemoDataset.incidents[1]
        let during = mean("churn_risk_score", segment: "mid_market", hours: surge.startHour..<surge.endHour, plan: "growth")
        let before = mean("churn_risk_score", segment: "mid_market", hours: (surge.startHour - 48)..<surge.startHour, plan: "growth")
        #expect(during > before + 0.25, "during \(during), before \(before)")
        let spike = DemoDataset.incidents[2]
        let tickets = mean("support_tickets", hours: spike.startHour..<spike.endHour)
        let usual = mean("support_tickets", hours: (spike.startHour - 24)..<(spike.endHour - 24))
        #expect(tickets > usual * 5, "spike \(tickets), day before \(usual)")
    }
}
