/// The tags the rollups also break down by (`data_aggregation.dimensions`, default `segment`
/// and `plan`) and how many distinct values of each one organization keeps apart
/// (`data_aggregation.max_dimension_values`).
///
/// Per organization and dimension, the first `maxValues` distinct values met in point-sequence
/// order get rows of their own; every later value is folded into ``otherValue``, so the number
/// of dimension rollup rows stays bounded whatever the clients send. A value is never moved
/// once admitted. A point without the tag is in no group of that dimension.
public struct RollupDimensions: Sendable, Hashable {
    /// The group every value past the cap is folded into (a tag value spelled `other` joins it too).
    public static let otherValue = "other"
    /// The dimensions broken down when configuration names none.
    public static let defaultNames = ["segment", "plan"]
    /// Distinct values kept apart per organization and dimension by default.
    public static let defaultMaxValues = 50
    /// The default breakdown (`segment` and `plan`, 50 values each).
    public static let standard = RollupDimensions(names: defaultNames, maxValues: defaultMaxValues)
    /// No breakdown: only the per-metric rollups are folded.
    public static let none = RollupDimensions(names: [], maxValues: 1)

    /// The tag keys broken down, without duplicates, in configuration order.
    public let names: [String]
    /// Distinct values kept apart per organization and dimension (at least 1).
    public let maxValues: Int

    /// Creates a breakdown; duplicate names are dropped and `maxValues` is raised to at least 1.
    public init(names: [String], maxValues: Int) {
        var seen = Set<String>()
        self.names = names.filter { seen.insert($0).inserted }
        self.maxValues = Swift.max(1, maxValues)
    }

    /// Whether `name` is broken down.
    public func contains(_ name: String) -> Bool { names.contains(name) }
}

/// One dimension group's rollup bucket: the tag value (or ``RollupDimensions/otherValue``),
/// the bucket's start and its summary.
public struct DimensionRollupBucket: Sendable, Equatable {
    /// The dimension value of the group.
    public var value: String
    /// Start of the bucket (aligned to its resolution, UTC).
    public var start: Timestamp
    /// The summary of the group's points inside the bucket.
    public var aggregate: RollupAggregate

    /// Creates a group bucket.
    public init(value: String, start: Timestamp, aggregate: RollupAggregate) {
        self.value = value
        self.start = start
        self.aggregate = aggregate
    }
}
