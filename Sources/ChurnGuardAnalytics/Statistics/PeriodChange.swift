/// How a period compares with the one before it (this week vs last week, …).
public struct PeriodChange: Sendable, Equatable {
    /// Aggregate of the earlier period.
    public let previous: Double
    /// Aggregate of the later period.
    public let current: Double

    /// Compares two aggregates.
    public init(previous: Double, current: Double) {
        self.previous = previous
        self.current = current
    }

    /// How two periods' values are reduced to one number each.
    public enum Aggregate: Sendable { case sum, mean }

    /// Compares the finite values of two periods; an empty period aggregates to 0 (sum) or NaN (mean).
    public init(previous: [Double], current: [Double], aggregate: Aggregate = .sum) {
        func reduce(_ v: [Double]) -> Double {
            let f = v.filter(\.isFinite)
            let s = f.reduce(0, +)
            switch aggregate {
            case .sum: return s
            case .mean: return f.isEmpty ? .nan : s / Double(f.count)
            }
        }
        self.init(previous: reduce(previous), current: reduce(current))
    }

    /// current − previous.
    public var absoluteChange: Double { current - previous }

    /// (current − previous) / |previous|, or `nil` when the previous period is 0 or not finite
    /// (a change from nothing has no meaningful percentage).
    public var relativeChange: Double? {
        guard previous.isFinite, current.isFinite, previous != 0 else { return nil }
        return (current - previous) / abs(previous)
    }

    /// Splits `values` into consecutive periods of `length` and compares the last full period with
    /// the one before it; `nil` when there are fewer than two full periods.
    public static func lastTwo(_ values: [Double], period length: Int, aggregate: Aggregate = .sum) -> PeriodChange? {
        guard length > 0, values.count >= 2 * length else { return nil }
        let end = values.count
        return PeriodChange(
            previous: Array(values[(end - 2 * length)..<(end - length)]),
            current: Array(values[(end - length)..<end]),
            aggregate: aggregate
        )
    }
}
