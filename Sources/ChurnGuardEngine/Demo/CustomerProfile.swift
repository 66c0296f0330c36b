import ChurnGuardAnalytics
import Foundation

/// The fixed traits of one demo customer, derived from the seed and its index.
struct CustomerProfile: Sendable {
    let index: Int
    let segment: String
    let plan: String
    let tags: [String: String]
    let engagement: Double
    let seats: Double
    let baseHealth: Double
    let timezoneShift: Int
    /// Day from which health declines (disengaging customers only).
    let declineStartDay: Double?
    /// Day the customer cancels, if they do within the window.
    let cancelDay: Double?
    let baseMRR: Double
    let upgradeDay: Double?

    init(index: Int, seed: UInt64, days: Int) {
        var random = DemoRandom(seed: seed, customer: index, hour: -1)
        self.index = index
        let roll = random.uniform()
        segment = roll < 0.55 ? "smb" : roll < 0.85 ? "mid_market" : "enterprise"
        let planRoll = random.uniform()
        switch segment {
        case "smb": plan = planRoll < 0.6 ? "starter" : "growth"
        case "mid_market": plan = planRoll < 0.55 ? "growth" : "business"
        default: plan = planRoll < 0.7 ? "business" : "enterprise"
        }
        tags = ["customer_id": String(format: "cust_%04d", index + 1), "segment": segment, "plan": plan]
        engagement = 0.55 + 0.45 * random.uniform()
        seats = segment == "smb" ? 1 + 4 * random.uniform() : segment == "mid_market" ? 5 + 20 * random.uniform() : 25 + 75 * random.uniform()
        baseHealth = 0.55 + 0.4 * random.uniform()
        timezoneShift = Int(random.uniform() * 3)
        let span = Double(days)
        if random.uniform() < 0.085 {
            let start = span * (0.2 + 0.5 * random.uniform())
            declineStartDay = start
            cancelDay = random.uniform() < 0.45 ? min(span - 1, start + 8 + 10 * random.uniform()) : nil
        } else {
            declineStartDay = nil
            cancelDay = nil
        }
        let prices = ["starter": 49.0, "growth": 199.0, "business": 799.0, "enterprise": 2500.0]
        baseMRR = (prices[plan] ?? 99) * (segment == "enterprise" ? (seats / 25).rounded(.up) : 1)
        upgradeDay = random.uniform() < 0.05 ? span * random.uniform() : nil
    }

    /// Health in [0.05, 1]: steady, or sliding by about 0.03 a day once decline starts.
    func health(atDay day: Double) -> Double {
        guard let declineStartDay, day > declineStartDay else { return baseHealth }
        return max(0.05, baseHealth - 0.03 * (day - declineStartDay))
    }

    /// Monthly recurring revenue; an upgrade adds 40% from its day on.
    func mrr(atDay day: Double) -> Double {
        guard let upgradeDay, day >= upgradeDay, declineStartDay == nil else { return baseMRR }
        return (baseMRR * 1.4).rounded()
    }
}

/// Random draws for one (customer, hour): a ``SeededGenerator`` seeded from a hash of
/// (seed, customer, hour), so each observation draws the same numbers no matter what was
/// generated before it.
struct DemoRandom {
    private var generator: SeededGenerator

    init(seed: UInt64, customer: Int, hour: Int) {
        generator = SeededGenerator(seed: seed ^ (UInt64(bitPattern: Int64(customer)) &* 0x9E37_79B9_7F4A_7C15)
            ^ (UInt64(bitPattern: Int64(hour)) &* 0xC2B2_AE3D_27D4_EB4F))
    }

    /// Uniform in [0, 1).
    mutating func uniform() -> Double { generator.nextUnitDouble() }

    /// Standard normal (Box–Muller).
    mutating func normal() -> Double {
        let u = max(uniform(), 1e-12)
        return (-2 * log(u)).squareRoot() * cos(2 * Double.pi * uniform())
    }

    /// Poisson draw (Knuth's method; rates here are small).
    mutating func poisson(_ rate: Double) -> Int {
        guard rate > 0 else { return 0 }
        if rate > 30 { return max(0, Int((rate + rate.squareRoot() * normal()).rounded())) }
        let limit = exp(-rate)
        var product = uniform()
        var count = 0
        while product > limit {
            count += 1
            product *= uniform()
        }
        return count
    }
}
