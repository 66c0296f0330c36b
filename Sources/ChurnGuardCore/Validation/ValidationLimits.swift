/// Bounds on what a client may send; all come from configuration.
public struct ValidationLimits: Sendable, Equatable {
    /// Longest metric name, in bytes.
    public var maxMetricNameLength = 128
    /// Most tags on one point.
    public var maxTags = 32
    /// Longest tag key, in bytes.
    public var maxTagKeyLength = 64
    /// Longest tag value, in bytes.
    public var maxTagValueLength = 256
    /// Largest `metadata` object, in bytes of JSON.
    public var maxMetadataBytes = 4096
    /// Most points in one request.
    public var maxBatchPoints = 10_000
    /// Earliest accepted timestamp.
    public var earliest = Timestamp.earliestAccepted
    /// First timestamp no longer accepted.
    public var latestExclusive = Timestamp.latestAcceptedExclusive
    /// Oldest accepted point, in seconds before now (`api.max_point_age`); `nil`: no bound
    /// beyond ``earliest``.
    public var maxPointAgeSeconds: Int64?
    /// Furthest accepted point, in seconds after now (`api.max_point_future`); `nil`: no
    /// bound beyond ``latestExclusive``.
    public var maxPointFutureSeconds: Int64?
    /// Most `tag.KEY=VALUE` filters in one query.
    public var maxTagFilters = 16

    /// The documented defaults.
    public init() {}
}
