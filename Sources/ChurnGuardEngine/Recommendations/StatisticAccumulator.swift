public import ChurnGuardCore

/// Folds the points of one window into the statistics a `statistic` condition can ask for,
/// one point at a time (a run never holds a window's points).
public struct StatisticAccumulator: Sendable {
    public private(set) var count = 0
    public private(set) var sum = 0.0
    public private(set) var minimum = Double.infinity
    public private(set) var maximum = -Double.infinity
    private var customers: Set<String> = []
    let customerTag: String

    /// An empty accumulator counting customers by `customerTag`.
    public init(customerTag: String) {
        self.customerTag = customerTag
    }

    /// Adds one point.
    public mutating func add(_ point: MetricPoint) {
        guard point.value.isFinite else { return }
        count += 1
        sum += point.value
        minimum = min(minimum, point.value)
        maximum = max(maximum, point.value)
        if let customer = point.tags[customerTag] { customers.insert(customer) }
    }

    /// The mean, `nil` without points.
    public var mean: Double? { count > 0 ? sum / Double(count) : nil }

    /// `statistic` of the window; `previous` is the window before it (for `relative_change`).
    /// `nil` when it is undefined (no points; a previous mean of 0).
    public func value(_ statistic: StatisticCheck.Statistic, previous: StatisticAccumulator?) -> Double? {
        switch statistic {
        case .mean: return mean
        case .sum: return count > 0 ? sum : 0
        case .min: return count > 0 ? minimum : nil
        case .max: return count > 0 ? maximum : nil
        case .count: return Double(count)
        case .customers: return Double(customers.count)
        case .relativeChange:
            guard let now = mean, let before = previous?.mean, before != 0 else { return nil }
            return (now - before) / abs(before)
        }
    }
}
