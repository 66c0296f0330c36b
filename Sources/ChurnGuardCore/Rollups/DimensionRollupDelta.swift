/// The dimension side of one rollup run, shared by every backend so they agree exactly.
///
/// Points are added in sequence order with their raw tag values; partial summaries are kept
/// per organization, metric, dimension, raw value and hour, and the distinct raw values of each
/// organization and dimension are remembered in the order first met. ``resolve(admitted:)``
/// then decides, in that order, which values get a group of their own (those already admitted,
/// then new ones while the cap allows) and folds the rest into ``RollupDimensions/otherValue``:
/// the result equals admitting value by value in sequence order, which is what makes the
/// grouping independent of how the points were split into runs.
public struct DimensionRollupDelta<Organization: Hashable & Sendable>: Sendable {
    /// One group's bucket key.
    public struct Key: Hashable, Sendable {
        /// Whose points.
        public var organization: Organization
        /// The metric.
        public var metric: String
        /// The tag key.
        public var dimension: String
        /// The group: an admitted tag value or ``RollupDimensions/otherValue``.
        public var value: String
        /// The bucket's start in microseconds.
        public var bucket: Int64

        /// Creates a key.
        public init(organization: Organization, metric: String, dimension: String, value: String, bucket: Int64) {
            self.organization = organization
            self.metric = metric
            self.dimension = dimension
            self.value = value
            self.bucket = bucket
        }
    }

    /// An organization's dimension.
    public struct Scope: Hashable, Sendable {
        /// Whose values.
        public var organization: Organization
        /// The tag key.
        public var dimension: String

        /// Creates a scope.
        public init(organization: Organization, dimension: String) {
            self.organization = organization
            self.dimension = dimension
        }
    }

    /// What a run writes: the group summaries per hour and per day, and the values it admitted.
    public struct Resolution: Sendable {
        /// Partial summaries per group and hour.
        public var hourly: [Key: RollupAggregate]
        /// Partial summaries per group and day (merged from the hours).
        public var daily: [Key: RollupAggregate]
        /// Values newly given a group of their own, per organization and dimension, in order.
        public var admitted: [Scope: [String]]
    }

    /// The breakdown in force for this run.
    public let dimensions: RollupDimensions
    private var hours: [Key: RollupAggregate] = [:]
    private var firstSeen: [Scope: [String]] = [:]
    private var seen: Set<Key> = []

    /// An empty delta for `dimensions`.
    public init(dimensions: RollupDimensions) {
        self.dimensions = dimensions
    }

    /// Organizations and dimensions met so far (whose admitted values the backend must load).
    public var scopes: Dictionary<Scope, [String]>.Keys { firstSeen.keys }

    /// Whether nothing was added.
    public var isEmpty: Bool { hours.isEmpty }

    /// Folds one point in: `tagValue(name)` gives the point's value of a dimension tag, if any.
    public mutating func add(organization: Organization, metric: String, timestamp: Int64, value: Double,
                             tagValue: (String) -> String?) {
        guard !dimensions.names.isEmpty else { return }
        let hour = RollupResolution.hour.bucketStart(of: Timestamp(microseconds: timestamp)).microseconds
        for dimension in dimensions.names {
            guard let raw = tagValue(dimension) else { continue }
            add(organization: organization, metric: metric, dimension: dimension, raw: raw, hour: hour, value: value)
        }
    }

    /// Folds one point's value of one dimension in.
    public mutating func add(organization: Organization, metric: String, dimension: String, raw: String, hour: Int64, value: Double) {
        let key = Key(organization: organization, metric: metric, dimension: dimension, value: raw, bucket: hour)
        hours[key, default: RollupAggregate()].add(value)
        // First-seen order per organization and dimension; `seen` is keyed without the bucket.
        let marker = Key(organization: organization, metric: "", dimension: dimension, value: raw, bucket: 0)
        if seen.insert(marker).inserted {
            firstSeen[Scope(organization: organization, dimension: dimension), default: []].append(raw)
        }
    }

    /// Groups the partial summaries given the values already admitted per organization and
    /// dimension (loaded by the backend inside the run's transaction).
    public func resolve(admitted: [Scope: Set<String>]) -> Resolution {
        var group: [Scope: [String: String]] = [:]
        var fresh: [Scope: [String]] = [:]
        for (scope, values) in firstSeen {
            var known = admitted[scope] ?? []
            var mapping: [String: String] = [:]
            for raw in values {
                if known.contains(raw) {
                    mapping[raw] = raw
                } else if raw != RollupDimensions.otherValue && known.count < dimensions.maxValues {
                    known.insert(raw)
                    fresh[scope, default: []].append(raw)
                    mapping[raw] = raw
                } else {
                    mapping[raw] = RollupDimensions.otherValue
                }
            }
            group[scope] = mapping
        }
        var hourly: [Key: RollupAggregate] = [:]
        var daily: [Key: RollupAggregate] = [:]
        for (key, aggregate) in hours {
            let scope = Scope(organization: key.organization, dimension: key.dimension)
            var grouped = key
            grouped.value = group[scope]?[key.value] ?? RollupDimensions.otherValue
            hourly[grouped, default: RollupAggregate()].merge(aggregate)
            grouped.bucket = RollupResolution.day.bucketStart(of: Timestamp(microseconds: key.bucket)).microseconds
            daily[grouped, default: RollupAggregate()].merge(aggregate)
        }
        return Resolution(hourly: hourly, daily: daily, admitted: fresh)
    }
}
