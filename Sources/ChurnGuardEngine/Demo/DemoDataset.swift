public import ChurnGuardCore
import Foundation

/// A deterministic, believable churn dataset for demos, tutorials and detector checks.
///
/// 500 customers in three segments (`smb`, `mid_market`, `enterprise`) on four plans,
/// observed hourly for 45 days: `churn_risk_score` (0–1), `customer_activity` (0–100, with
/// a working-day rhythm), `logins` and `support_tickets` (counts) and `mrr` (dollars).
/// About one customer in twelve slowly disengages and, for some, cancels (MRR drops to 0).
/// Three incidents are planted at fixed offsets from the start (see ``Incident``), so
/// detectors and insights have something real to find. Every value is a pure function of
/// the seed, the start and the (customer, hour, metric), so any day can be produced alone
/// and two runs give identical data.
public struct DemoDataset: Sendable {
    /// An incident planted in the data, with the hours (from the start) it spans.
    public struct Incident: Sendable, Equatable {
        /// Stable name used in docs and tests.
        public let name: String
        /// What happens.
        public let summary: String
        /// First affected hour, counted from the start.
        public let startHour: Int
        /// First hour no longer affected.
        public let endHour: Int
    }

    /// The planted incidents.
    public static let incidents: [Incident] = [
        Incident(name: "smb_activity_drop", summary: "customer_activity and logins of the smb segment fall by 60% for three days",
                 startHour: 30 * 24 + 9, endHour: 33 * 24 + 9),
        Incident(name: "mid_market_churn_risk_surge", summary: "churn_risk_score of mid_market customers on the growth plan rises by 0.35",
                 startHour: 36 * 24, endHour: 38 * 24),
        Incident(name: "support_ticket_spike", summary: "support_tickets of every segment run at 15× their rate during an outage",
                 startHour: 40 * 24 + 14, endHour: 40 * 24 + 20),
    ]

    /// The metrics produced, per customer and hour.
    public static let metricNames = ["churn_risk_score", "customer_activity", "logins", "support_tickets", "mrr"]

    /// First hour of the data (aligned to the hour).
    public let start: Timestamp
    /// Number of days covered.
    public let days: Int
    /// Number of customers.
    public let customers: Int
    /// Seed of every random draw.
    public let seed: UInt64

    /// Describes a dataset; nothing is generated until ``points(forDay:)`` is called.
    public init(start: Timestamp, days: Int = 45, customers: Int = 500, seed: UInt64 = 20_261_129) {
        self.start = Timestamp(seconds: start.microseconds / 1_000_000 / 3600 * 3600)
        self.days = max(1, days)
        self.customers = max(1, customers)
        self.seed = seed
    }

    /// The dataset ending at the hour before `now`, for seeding a live demo.
    public static func endingAt(_ now: Timestamp, days: Int = 45, customers: Int = 500) -> DemoDataset {
        let hour = now.microseconds / 1_000_000 / 3600 * 3600
        return DemoDataset(start: Timestamp(seconds: hour - Int64(days * 24 * 3600)), days: days, customers: customers)
    }

    /// Total number of points.
    public var pointCount: Int { days * 24 * customers * Self.metricNames.count }

    /// The points of one day (0-based), ordered by hour, customer and metric.
    public func points(forDay day: Int) -> [MetricPoint] {
        var points: [MetricPoint] = []
        points.reserveCapacity(24 * customers * Self.metricNames.count)
        let profiles = (0..<customers).map { CustomerProfile(index: $0, seed: seed, days: days) }
        for hour in (day * 24)..<((day + 1) * 24) {
            let time = start.adding(seconds: Int64(hour) * 3600)
            for profile in profiles {
                let values = observe(profile, hour: hour)
                for (name, value) in zip(Self.metricNames, values) {
                    points.append(MetricPoint(metricName: name, timestamp: time, value: value, tags: profile.tags))
                }
            }
        }
        return points
    }

    /// The five metric values of one customer in one hour, in ``metricNames`` order.
    func observe(_ customer: CustomerProfile, hour: Int) -> [Double] {
        var random = DemoRandom(seed: seed, customer: customer.index, hour: hour)
        let day = Double(hour) / 24
        let health = customer.health(atDay: day)
        let cancelled = customer.cancelDay.map { day >= $0 } ?? false
        let hourOfDay = (hour + customer.timezoneShift) % 24
        let weekday = (hour / 24) % 7
        let diurnal = hourOfDay >= 8 && hourOfDay < 19 ? 1.0 - abs(Double(hourOfDay) - 13.5) / 9 : 0.12
        let weekly = weekday >= 5 ? 0.35 : 1.0
        let smbDrop = Self.incidents[0].contains(hour) && customer.segment == "smb" ? 0.4 : 1.0
        var activity = cancelled ? 0 : 100 * customer.engagement * health * diurnal * weekly * smbDrop
        activity = min(100, max(0, activity + random.normal() * 3 * (cancelled ? 0 : 1)))
        let logins = cancelled ? 0 : random.poisson(activity / 12 * customer.seats)
        let outage = Self.incidents[2].contains(hour) ? 15.0 : 1.0
        let ticketRate = cancelled ? 0 : (0.004 + 0.03 * (1 - health)) * customer.seats * outage
        let tickets = random.poisson(ticketRate)
        var risk = 1 / (1 + exp(-(4.2 * (0.55 - health) + (tickets > 0 ? 0.6 : 0) - 0.5)))
        if Self.incidents[1].contains(hour), customer.segment == "mid_market", customer.plan == "growth" { risk += 0.35 }
        if Self.incidents[0].contains(hour), customer.segment == "smb" { risk += 0.08 }
        risk = cancelled ? 1 : min(1, max(0, risk + random.normal() * 0.02))
        let mrr = cancelled ? 0 : customer.mrr(atDay: day)
        return [(risk * 1000).rounded() / 1000, (activity * 10).rounded() / 10, Double(logins), Double(tickets), mrr]
    }
}

extension DemoDataset.Incident {
    /// Whether `hour` (from the start) falls inside the incident.
    public func contains(_ hour: Int) -> Bool { hour >= startHour && hour < endHour }
}
