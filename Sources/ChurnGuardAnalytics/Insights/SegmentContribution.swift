/// One tag value's part in a metric's change between two periods.
public struct SegmentShare: Sendable, Equatable {
    /// The dimension tag (`segment`, `plan`, `region`).
    public let dimension: String
    /// Its value (`smb`).
    public let value: String
    /// The value's total in the baseline and the current period.
    public let baseline: Double, current: Double
    /// current − baseline.
    public var change: Double { current - baseline }
    /// The value's part of the total change (change / total change): 0.72 = "72 % of the drop".
    public let shareOfChange: Double
    /// The value's part of the baseline total (its size before the change).
    public let shareOfBaseline: Double
    /// Change relative to its own baseline, `nil` when that is 0.
    public var relativeChange: Double? { baseline != 0 ? change / abs(baseline) : nil }
    /// How much more of the change it holds than its size explains (ThirdEye's surprise):
    /// shareOfChange − shareOfBaseline.
    public var surprise: Double { shareOfChange - shareOfBaseline }
}

/// The change of a metric broken down along one dimension.
public struct DimensionBreakdown: Sendable, Equatable {
    /// The dimension tag.
    public let dimension: String
    /// Every value of the dimension, the largest share of the change first.
    public let shares: [SegmentShare]
    /// Σ current − Σ baseline over the dimension's values.
    public let totalChange: Double

    /// The value driving the change, if one does: at least `minimumShare` of the change and at
    /// least `minimumSurprise` more than its size explains.
    public func driver(minimumShare: Double = 0.5, minimumSurprise: Double = 0.15) -> SegmentShare? {
        guard totalChange != 0, let top = shares.first else { return nil }
        return top.shareOfChange >= minimumShare && top.surprise >= minimumSurprise ? top : nil
    }

    /// Whether the change is spread over every value: each moved in the direction of the total
    /// and none holds more than `tolerance` beyond its size (a change "affecting every segment").
    public func isBroad(tolerance: Double = 0.15) -> Bool {
        guard totalChange != 0, shares.count >= 2 else { return false }
        return shares.allSatisfy { share in
            share.change.sign == totalChange.sign && share.change != 0 && abs(share.surprise) <= tolerance
        }
    }
}

/// Contribution analysis in the manner of ThirdEye's dimension analysis: for every dimension
/// tag, how much of a metric's change between two periods each tag value accounts for.
///
/// Input is the metric's total per (dimension, value) in each period (sums of the daily
/// rollups of the points carrying that tag value). A value's share of the change is its own
/// change over the dimension's total change, so the shares of a dimension sum to 1; its
/// surprise is that share minus its share of the baseline, so a segment holding 30 % of the
/// volume and 90 % of the drop stands out while one that merely shrank with everyone does not.
public enum SegmentContribution {
    /// A (dimension, value) pair's totals in both periods.
    public struct Totals: Sendable, Equatable {
        public var dimension: String, value: String, baseline: Double, current: Double
        /// Creates the totals of one tag value.
        public init(dimension: String, value: String, baseline: Double, current: Double) {
            self.dimension = dimension
            self.value = value
            self.baseline = baseline
            self.current = current
        }
    }

    /// One breakdown per dimension (sorted by dimension name); dimensions whose total did not
    /// change (or whose totals are not finite) are left out.
    public static func analyse(_ totals: [Totals]) -> [DimensionBreakdown] {
        let byDimension = Dictionary(grouping: totals.filter { $0.baseline.isFinite && $0.current.isFinite }, by: \.dimension)
        return byDimension.keys.sorted().compactMap { dimension in
            let rows = byDimension[dimension] ?? []
            let baselineTotal = rows.reduce(0) { $0 + $1.baseline }
            let totalChange = rows.reduce(0) { $0 + ($1.current - $1.baseline) }
            guard totalChange != 0 else { return nil }
            let shares = rows.map { row in
                SegmentShare(dimension: dimension, value: row.value, baseline: row.baseline, current: row.current,
                             shareOfChange: (row.current - row.baseline) / totalChange,
                             shareOfBaseline: baselineTotal != 0 ? row.baseline / baselineTotal : 0)
            }.sorted { ($0.shareOfChange, $1.value) > ($1.shareOfChange, $0.value) }
            return DimensionBreakdown(dimension: dimension, shares: shares, totalChange: totalChange)
        }
    }

    /// Confidence of a driver: the change's own test (p-value and sample from the period
    /// comparison of the whole metric) with the driver's surprise as the effect size.
    public static func confidence(of driver: SegmentShare, pValue: Double, sampleSize: Int) -> Double {
        InsightConfidence.score(pValue: pValue, sampleSize: sampleSize, effectSize: driver.surprise * 4)
    }
}
